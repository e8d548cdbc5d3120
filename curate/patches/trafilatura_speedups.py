"""Same results, less CPU: four changes to how trafilatura 2.3.1 runs, nothing to what it decides.

1. Walks. trafilatura spends about half of its CPU in nine XPath expressions that prune
boilerplate, and about 6 % more in three that find the main content block (``BODY_XPATH``; see
``bench/extract_speedups.py``). Most of that is libxml2 calling back into Python's ``re`` through
EXSLT ``re:test`` for every candidate element. Here each expression becomes a walk over the
candidate tags with the predicate in plain Python and the same patterns, read from trafilatura's own
expression text; a walk for ``(...)[1]`` stops at its first match.

Each replacement is bound to the exact text of the expression it was written for (a SHA-256 of
``XPath.path``); if trafilatura changes an expression, that one keeps its XPath and a warning says
so. ``tests/patches/test_trafilatura_speedups.py`` compares every replacement with its XPath on real pages and on
generated trees, element by element and in order.

2. Element classes. lxml.html picks each element's Python class with a Python callback, once per
element object lxml creates (millions per thousand pages); trafilatura's parser gets lxml's C-level
lookup with the same classes instead, except that form controls are plain ``HtmlElement``s, whose
form-only API (``.inputs``, ``.value``, ...) trafilatura never uses.

3. Control characters. Before parsing, trafilatura deletes the characters XML forbids from every page
with a regex substitution over the whole HTML (``INVALID_XML_CHARS``, 0.7 ms for a 140 kB page).
Real pages rarely hold one, so they are looked for first, vectorised over the page's UTF-16 code
units (surrogates, and so every astral character, are neither of them), and the substitution runs
only when one is there.

4. One copy fewer. ``_extract_and_compare`` hands readability a deep copy of the raw page tree (4 % of
the extraction's CPU, and about 3 % more to free it) so that the tree survives for trafilatura's later
stages. With ``favor_precision`` (FineWeb2's setting) none comes: the baseline rescue and the recall
escalation run only in the other modes, and nothing after ``trafilatura_sequence`` reads the tree. So in
precision mode readability gets the tree itself. This rests on the two functions' code, so it is bound
to a SHA-256 of their source text; if either changes, the copy stays and a warning says so.

XPath facts the predicates rely on:
* ``re:test(@a, p)`` searches ``p`` in the attribute's value, or in ``''`` when it is missing;
  ``re:test(@a, p, 'i')`` ignores case;
* ``@a|@b`` as a string is the value of whichever of the two comes first in the element's source;
* ``.//*`` is every descendant element of the context node, in document order;
* ``(.//*[p])[1]`` is the first of them that satisfies ``p``, but ``.//*[p][1]`` is, for every
  element, the first of its children that does (``//`` is ``/descendant-or-self::node()/``).
"""
from __future__ import annotations

import copy as _copy_module
import hashlib
import inspect
import logging
import re
import threading

import numpy as np
from lxml import etree
from lxml import html as lxml_html
from trafilatura import core as _core
from trafilatura import utils as _utils
from trafilatura import xpaths as _x

log = logging.getLogger(__name__)

LIBRARY, WRITTEN_FOR = "trafilatura", "2.3.1"

_BLOCKS = ("div", "item", "list", "p", "section", "span")  # `self::div or self::item or ...`


class _Memo:
    """``pattern.search`` with its answers remembered: the same class and id values recur on every
    page of a site and in each of trafilatura's passes, and a dict lookup is cheaper than a search
    through fifty alternatives. Answers are a function of the string alone."""

    __slots__ = ("_pattern", "_seen")

    def __init__(self, pattern: re.Pattern):
        self._pattern, self._seen = pattern, {}

    def search(self, value: str) -> bool:
        found = self._seen.get(value)
        if found is None:
            if len(self._seen) >= 20_000:  # ~2 MB per pattern at most (16 MB for all after the bench pages)
                self._seen.clear()
            found = self._seen[value] = self._pattern.search(value) is not None
        return found


def _patterns(path: str) -> list[_Memo]:
    """The ``re:test`` patterns of an expression, in order of appearance (lxml compiles with UNICODE,
    and IGNORECASE for the flag 'i'). None may match '', so that a missing or empty attribute can
    skip the search."""
    found = re.findall(r"re:test\([^,]+,\s*'([^']*)'\s*(?:,\s*'([^']*)'\s*)?\)", path)
    pats = [re.compile(p, re.UNICODE | (re.IGNORECASE if "i" in flags else 0)) for p, flags in found]
    if any(p.search("") for p in pats):
        raise ValueError("a pattern matches the empty string")
    return [_Memo(p) for p in pats]


def _first(el, a: str, va: str | None, b: str, vb: str | None) -> str | None:
    """String value of ``@a|@b`` given both values: the one that comes first in the source."""
    if va is None or vb is None:
        return vb if va is None else va
    keys = el.keys()
    return va if keys.index(a) < keys.index(b) else vb


class _Walk:
    """A callable with an XPath's interface (``expr(tree) -> list``) for ``.//*[tags][predicate]``:
    every match (select="all"), the first one (``(...)[1]``, select="first") or each parent's first
    matching child (``...[1]``, select="first_child").

    With tags, lxml's tag-filtered iteration is the fastest walk. Without (any element), libxml2 first
    selects natively the elements that carry one of the attributes the predicate reads: the predicate
    is false without them (checked here on a bare element), and most elements have none."""

    def __init__(self, xpath: etree.XPath, tags, predicate, attrs=(), select="all"):
        self.xpath, self.path, self._tags, self._predicate, self._select = xpath, xpath.path, tags, predicate, select
        self._candidates = None if tags else etree.XPath(f"descendant::*[{' or '.join(f'@{a}' for a in attrs)}]")
        if not tags and predicate(etree.Element("div")):
            raise ValueError(f"{xpath.path!r}: predicate holds without attributes")

    def __call__(self, tree):
        if not isinstance(tree, etree._Element):  # a whole document: trafilatura never passes one
            return self.xpath(tree)
        pred = self._predicate
        found = tree.iterdescendants(*self._tags) if self._tags else self._candidates(tree)
        if self._select == "first":
            return next(([el] for el in found if pred(el)), [])
        if self._select == "first_child":  # document order meets a parent's children in their order
            out, parents = [], set()
            for el in found:
                if pred(el) and (parent := el.getparent()) not in parents:
                    parents.add(parent)
                    out.append(el)
            return out
        return [el for el in found if pred(el)]


# Predicates return a truthy value, not necessarily a bool; `v and pat.search(v)` skips missing
# and empty attributes, which no pattern matches (checked by _patterns).

def _overall_discard_0(path):
    first_attr, by_id, by_class = _patterns(path)

    def pred(el):
        get = el.get
        ident, cls = get("id"), get("class")
        first = _first(el, "id", ident, "class", cls)
        return ((ident and by_id.search(ident)) or (cls and by_class.search(cls))
                or (first and first_attr.search(first))
                or get("data-lp-replacement-content") is not None
                or "nav" in (get("role") or "").replace("N", "n")
                or "MostPopularStories" in (get("data-component") or ""))
    return _BLOCKS, pred


def _overall_discard_1(path):
    hidden, by_id, by_class = _patterns(path)

    def pred(el):
        get = el.get
        ident, cls, style = get("id"), get("class"), get("style")
        first_ic, first_is = _first(el, "id", ident, "class", cls), _first(el, "id", ident, "style", style)
        style = style or ""
        return ((ident and by_id.search(ident)) or (cls and by_class.search(cls))
                or cls == "comments-title"
                or (first_ic and first_ic.startswith("reply-"))
                or (first_is and hidden.search(first_is))
                or "display:none" in style or "display: none" in style
                or get("aria-hidden") == "true")
    return None, pred, ("id", "class", "style", "aria-hidden")


def _remove_comments(path):
    by_id, by_class = _patterns(path)

    def pred(el):
        ident, cls = el.get("id"), el.get("class")
        return (ident and by_id.search(ident)) or (cls and by_class.search(cls))
    return ("div", "list", "section", "details"), pred


def _two_predicates(tags, unconditional):
    """``[re:test(@id, a) or re:test(@class, b)][unconditional or re:test(@id, c) or re:test(@class, d)]``."""
    def build(path):
        by_id, by_class, then_id, then_class = _patterns(path)

        def pred(el):
            ident, cls = el.get("id"), el.get("class")
            if not ((ident and by_id.search(ident)) or (cls and by_class.search(cls))):
                return False
            return unconditional(el) or then_id.search(ident or "") or then_class.search(cls or "")
        return tags, pred
    return build


# comment sections, and comment lists among ol/ul: `not(self::ol or self::ul) or ...`
_remove_comments_and_lists = _two_predicates(("div", "list", "section", "details", "ol", "ul"),
                                             lambda el: el.tag not in ("ol", "ul"))
# infinite-scroll containers unless they hold the h1: `not(.//h1) or ...`
_raw_tree_prune_0 = _two_predicates(("div", "section", "aside"),
                                    lambda el: next(el.iterdescendants("h1"), None) is None)


def _raw_tree_prune_1(path):
    return ("div", "section", "aside"), lambda el: "elementor-share-buttons" in (el.get("class") or "")


def _precision_discard_1(path):
    bottom, link = _patterns(path)

    def pred(el):
        first = _first(el, "id", el.get("id"), "class", el.get("class"))
        return (first and (bottom.search(first) or link.search(first))) or "border" in (el.get("style") or "")
    return _BLOCKS, pred


def _teaser_discard(path):
    def pred(el):
        return ("teaser" in (el.get("id") or "").replace("T", "t")
                or "teaser" in (el.get("class") or "").replace("T", "t"))
    return _BLOCKS, pred


def _discard_image(path):
    return _BLOCKS, lambda el: "caption" in (el.get("id") or "") or "caption" in (el.get("class") or "")


_CONTENT = ("article", "div", "main", "section")  # `self::article or self::div or self::main or self::section`


def _body_0(path):
    by_id, by_class = _patterns(path)

    def pred(el):
        get = el.get
        ident, cls = get("id"), get("class")
        return (cls == "post" or cls == "entry" or get("itemprop") == "articleBody" or ident == "articleContent"
                or (ident and by_id.search(ident)) or (cls and by_class.search(cls)))
    return _CONTENT, pred, (), "first_child"


def _body_2(path):
    by_id, fulltext, by_class = _patterns(path)

    def pred(el):
        get = el.get
        ident, cls = get("id"), get("class")
        return (get("role") == "article" or ident in ("article", "story")
                or cls in ("postarea", "art-postcontent", "text", "cell", "story")
                or (ident and by_id.search(ident)) or (cls and (fulltext.search(cls) or by_class.search(cls))))
    return _CONTENT, pred, (), "first"


def _body_3(path):
    by_id, by_class = _patterns(path)

    def pred(el):
        get = el.get
        ident, cls = get("id") or "", get("class") or ""
        return (ident == "content" or cls == "content"
                or (ident and by_id.search(ident)) or (cls and by_class.search(cls))
                # contains(translate(@a, 'CM', 'cm'), 'main-content'), and 'CP' for 'page-content'
                or "main-content" in ident.replace("C", "c").replace("M", "m")
                or "main-content" in cls.replace("C", "c").replace("M", "m")
                or "page-content" in cls.replace("C", "c").replace("P", "p"))
    return _CONTENT, pred, (), "first"


# (list name in trafilatura.xpaths, index, SHA-256 of the expression text it was written for, builder)
_REPLACEMENTS = [
    ("OVERALL_DISCARD_XPATH", 0, "a837e58a1b1ea116ce1dada53d856dec093fe9f64b37dc503698e30f96a87dd3",
     _overall_discard_0),
    ("OVERALL_DISCARD_XPATH", 1, "c1d5b70b8cd03783545d6b715c69062ae6967c222b2d8f4e2399762362d426c0",
     _overall_discard_1),
    ("REMOVE_COMMENTS_XPATH", 0, "5d97216ca15d05582de538174e876b27626b7a166810320152081c7e26bb5ca2",
     _remove_comments),
    ("REMOVE_COMMENTS_AND_LISTS_XPATH", 0, "9cc18d34e6e2d258172b5df02bc44e578c95ef709b8e06722846c7a410c3a46f",
     _remove_comments_and_lists),
    ("RAW_TREE_PRUNE_XPATH", 0, "01e7c660fd6406f29932819d2dbd7530e2f3bdac11dde83565e977e391303444",
     _raw_tree_prune_0),
    ("RAW_TREE_PRUNE_XPATH", 1, "3c7afe92279543d5530365aa7b921c6e5b51243033e5622cae1dc85e08976f87",
     _raw_tree_prune_1),
    ("PRECISION_DISCARD_XPATH", 1, "53d31ea1df47920acee695b26b87b1ce36f16913686e547edc2ae0ba6efab5f7",
     _precision_discard_1),
    ("TEASER_DISCARD_XPATH", 0, "ebb02f066626551dbb0222a6cb631691f6ccacf0477c1381263f112b0bc9cdfa",
     _teaser_discard),
    ("DISCARD_IMAGE_ELEMENTS", 0, "cb1ab981e44913f706048bad10e9f027314ffccb36c56ffc66c8ff5e1e340c58",
     _discard_image),
    ("BODY_XPATH", 0, "caaa561ceca17064773e97bf7c610f55e6c6a64a2477328c060642912d489b3b", _body_0),
    ("BODY_XPATH", 2, "6c9b5e1fdc092943ebdd87206a2e8a8b4c4666497fb00e6661d2a519d00f37f9", _body_2),
    ("BODY_XPATH", 3, "10a7ceacc0ff8cdfd8c58a575b5197b5d07ba24000f072101735478c2c585978", _body_3),
]


def _digest(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()


def replacements() -> list[tuple[list, int, etree.XPath, _Walk]]:
    """(trafilatura's list, index, its XPath, the walk that replaces it) for every expression whose
    text is the one its replacement was written for."""
    out = []
    for name, i, digest, build in _REPLACEMENTS:
        exprs = getattr(_x, name, None)
        xp = exprs[i] if isinstance(exprs, list) and len(exprs) > i else None
        xp = getattr(xp, "xpath", xp)  # enabled (or wrapped): the original XPath
        try:
            if not isinstance(xp, etree.XPath) or _digest(xp.path) != digest:
                raise ValueError("not the expression the walk was written for")
            out.append((exprs, i, xp, _Walk(xp, *build(xp.path))))
        except ValueError as e:
            log.warning("trafilatura's %s[%d]: %s; keeping the XPath", name, i, e)
    return out


def set_element_lookup(fast: bool) -> None:
    """lxml's C-level class lookup for trafilatura's parser (fast), or lxml.html's own."""
    lookup = (etree.ElementDefaultClassLookup(element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
                                              pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity)
              if fast else lxml_html.HtmlElementClassLookup())
    _utils.HTML_PARSER.set_element_class_lookup(lookup)


_INVALID_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"  # the class written for below


def has_invalid_xml_char(text: str) -> bool:
    """Whether ``re.search(_INVALID_XML, text)`` would find something."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), np.uint16)
    low = units[units < 0x20]
    return bool(((low != 0x09) & (low != 0x0A) & (low != 0x0D)).any() or (units >= 0xFFFE).any())


class _CheckedSub:
    """trafilatura's ``INVALID_XML_CHARS`` whose ``sub`` substitutes only when there is a match."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def sub(self, repl, string, count=0):
        if isinstance(string, str) and not has_invalid_xml_char(string):
            return string
        return self.pattern.sub(repl, string, count)

    def __getattr__(self, name):  # search, findall, pattern, ...: the regex's own
        return getattr(self.pattern, name)


def set_control_char_check(on: bool) -> None:
    current = _utils.INVALID_XML_CHARS
    original = current.pattern if isinstance(current, _CheckedSub) else current
    if on and original.pattern != _INVALID_XML:
        log.warning("trafilatura's INVALID_XML_CHARS is now %r; keeping its substitution", original.pattern)
        on = False
    _utils.INVALID_XML_CHARS = _CheckedSub(original) if on else original


# the code the spared copy was reasoned on (change 4): SHA-256 of each function's source text
_SPARE_WRITTEN_FOR = {
    "trafilatura_sequence": "f03dc4d2946dacbd0e023ca1c51fdf329e0fdc0be342fd0f14924396ec646e05",
    "_extract_and_compare": "f7d056c2118222e8ffb17e32d4796ccbddc452936d7177e27c53fb6d39b8f6e6",
}
_STOCK_COPY = _copy_module.copy
_spare = threading.local()  # the raw tree that the running _extract_and_compare need not copy


def _copy_unless_spare(obj):
    """``copy.copy`` for trafilatura's core, except for the tree marked as spare: that one, once."""
    if obj is getattr(_spare, "tree", None):
        _spare.tree = None
        return obj
    return _STOCK_COPY(obj)


class _SparingCompare:
    """trafilatura's ``_extract_and_compare``, with its copy of the raw tree spared in precision mode."""

    def __init__(self, original):
        self.original = original

    def __call__(self, cleaned_tree, cleaned_tree_backup, tree, options):
        _spare.tree = tree if options.focus == "precision" else None
        try:
            return self.original(cleaned_tree, cleaned_tree_backup, tree, options)
        finally:
            _spare.tree = None


def _source_changed() -> str | None:
    """The first function whose source is not the one change 4 was written for, or None."""
    for name, digest in _SPARE_WRITTEN_FOR.items():
        fn = getattr(_core, name, None)
        fn = getattr(fn, "original", fn)
        try:
            if _digest(inspect.getsource(fn)) == digest:
                continue
        except (OSError, TypeError):  # no source to check (a build without .py files)
            pass
        return name
    return None


def set_spared_copy(on: bool) -> bool:
    """Change 4 on or off; returns whether it is on (it stays off when trafilatura's code changed)."""
    current = _core._extract_and_compare
    original = getattr(current, "original", current)
    if on and (changed := _source_changed()):
        log.warning("trafilatura's %s is not the code the spared copy was written for; keeping the copy", changed)
        on = False
    _core._extract_and_compare = _SparingCompare(original) if on else original
    _core.copy = _copy_unless_spare if on else _STOCK_COPY
    return on


def install(on: bool = True) -> int:
    """All four changes on, or trafilatura's own XPaths, element lookup, substitution and copies back (off).
    Returns how many expressions are walks now."""
    reps = replacements()
    for exprs, i, xp, walk in reps:
        exprs[i] = walk if on else xp
    set_element_lookup(on)
    set_control_char_check(on)
    set_spared_copy(on)
    return len(reps) if on else 0
