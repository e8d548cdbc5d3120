"""ftfy's mojibake test (`is_bad`) with the same answers, searching only around the characters a match needs.

FTFY (stage G) calls `ftfy.badness.is_bad` on every non-ASCII line: a search of a regex of ~40
alternatives, tried at every position (about 1.1 CPU s on the bench input, two thirds of FTFY).
Every alternative contains at least one element that is a fixed set of characters (e.g. ``[{bad}]``,
``Ã``), so every match contains a character of the union of one such set per alternative. Those
characters are rare in real text. Here they are found with one character class, and the original
regex is searched only in a window around each: a match holding position ``p`` lies within
``[p - W + 1, p + W)`` (``W`` the regex's longest match); `pattern.search(text, pos, endpos)` keeps
``^`` at the true start, and a match inside the window is one in the whole text because the regex
has no look-around or end anchor. Both facts are derived from ftfy's own regex at import, so a
changed regex either yields its own sets or disables the shortcut.
"""
from __future__ import annotations

import re
import re._constants as sre_c
import re._parser as sre_parse

_SIMPLE_NODES = {sre_c.LITERAL, sre_c.IN, sre_c.NOT_LITERAL, sre_c.ANY, sre_c.MAX_REPEAT, sre_c.MIN_REPEAT,
                 sre_c.AT, sre_c.SUBPATTERN, sre_c.BRANCH, sre_c.CATEGORY}
_ALLOWED_AT = {sre_c.AT_BEGINNING, sre_c.AT_BEGINNING_STRING}
# case-folding makes a literal stand for more characters; MULTILINE turns ``^`` into a line start
_UNSAFE_FLAGS = re.IGNORECASE | re.MULTILINE


def _char_set(op, av) -> set[str] | None:
    """The characters one mandatory element matches, when it is a plain literal or class."""
    if op is sre_c.LITERAL:
        return {chr(av)}
    if op is sre_c.IN:
        chars: set[str] = set()
        for item_op, item in av:
            if item_op is sre_c.LITERAL:
                chars.add(chr(item))
            elif item_op is sre_c.RANGE:
                chars.update(map(chr, range(item[0], item[1] + 1)))
            else:  # NEGATE, CATEGORY (\w, \s): not a fixed set
                return None
        return chars
    return None


def _commonness(chars: set[str]) -> tuple[int, int, int]:
    """How often a set's characters may be expected in text: ASCII first, then letters (any choice is exact)."""
    return sum(c.isascii() for c in chars), sum(c.isalpha() for c in chars), len(chars)


def _only_forward_nodes(data) -> bool:
    """No look-around, back-reference, or anchor other than the string's start anywhere in the pattern."""
    for op, av in data:
        if op not in _SIMPLE_NODES or (op is sre_c.AT and av not in _ALLOWED_AT):
            return False
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and not _only_forward_nodes(av[2]):
            return False
        if op is sre_c.SUBPATTERN and (av[1] & _UNSAFE_FLAGS or not _only_forward_nodes(av[3])):
            return False
        if op is sre_c.BRANCH and not all(_only_forward_nodes(b) for b in av[1]):
            return False
    return True


def required_chars(pattern: re.Pattern) -> tuple[str, int] | None:
    """(characters one of which every match contains, longest match), or None when that cannot be shown."""
    if pattern.flags & _UNSAFE_FLAGS:
        return None
    tree = sre_parse.parse(pattern.pattern, pattern.flags)
    if not _only_forward_nodes(tree.data):
        return None
    branches = tree.data[0][1][1] if len(tree.data) == 1 and tree.data[0][0] is sre_c.BRANCH else [tree]
    needed: set[str] = set()
    for branch in branches:
        sets = [s for s in (_char_set(op, av) for op, av in branch.data) if s is not None]
        if not sets:
            return None
        needed |= min(sets, key=_commonness)
    width = tree.getwidth()[1]
    if width >= sre_c.MAXREPEAT:
        return None
    return "".join(sorted(needed)), width


def windowed_search(pattern: re.Pattern):
    """A function equal to ``bool(pattern.search(text))``, or None when the shortcut cannot be proven."""
    found = required_chars(pattern)
    if found is None:
        return None
    chars, width = found
    needed = re.compile("[" + "".join(re.escape(c) for c in chars) + "]")
    search = pattern.search

    def matches(text: str) -> bool:
        for m in needed.finditer(text):
            p = m.start()
            if search(text, max(p - width + 1, 0), p + width):
                return True
        return False

    return matches


LIBRARY, WRITTEN_FOR = "ftfy", "6.3.1"


def install(on: bool = True) -> None:
    """Give ftfy's fixers the windowed `is_bad` (they import the name, so both bindings are replaced),
    or ftfy's own back (``on=False``)."""
    import ftfy
    import ftfy.badness
    import ftfy.fixes

    if not on:
        ftfy.is_bad = ftfy.fixes.is_bad = ftfy.badness.is_bad
        return
    if getattr(ftfy.is_bad, "windowed", False):
        return
    matches = windowed_search(ftfy.badness.BADNESS_RE)
    if matches is None:
        return
    matches.windowed = True
    matches.__doc__ = ftfy.badness.is_bad.__doc__
    ftfy.is_bad = ftfy.fixes.is_bad = matches
