"""The speed-ups change nothing trafilatura extracts: the walks select exactly what its XPaths select,
and the C-level element lookup gives the same texts."""
import collections
import copy
import glob
import itertools
import logging
from pathlib import Path

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html
from trafilatura import xpaths
from trafilatura.deduplication import LRU_TEST

from curate.patches import trafilatura_speedups as extract_speedups
from curate.store.warc import iter_records

ROOT = Path(__file__).parents[2]
N_WALKS = 12  # nine pruning expressions and three of BODY_XPATH


def real_pages() -> list[str]:
    paths = sorted(glob.glob(str(ROOT / "curate/sample/CC-MAIN-SAMPLE/*.warc.gz")))
    paths.append(str(ROOT / "tests/data/resiliparse_CC-MAIN-2020-34_excerpt.warc.gz"))
    pages = []
    for p in paths:
        with open(p, "rb") as f:
            pages += [r.content for r in iter_records(f, lambda *a: None) if r.content]
    return pages


@pytest.fixture
def stock():
    """trafilatura's own XPaths in its lists (another test in this process may have installed the
    walks); the lists are restored as found afterwards, whatever a test put in them."""
    reps = extract_speedups.replacements()
    saved = [(exprs, list(exprs)) for exprs, *_ in reps]
    was_on = any(type(exprs[i]) is type(walk) for exprs, i, _, walk in reps)  # enabled by an earlier test
    extract_speedups.install(False)
    yield reps
    for exprs, items in saved:
        exprs[:] = items
    extract_speedups.set_element_lookup(was_on)
    extract_speedups.set_control_char_check(was_on)
    extract_speedups.set_spared_copy(was_on)


def extract(page: str, **mode):
    LRU_TEST.clear()  # trafilatura's process-wide dedup cache would make the second pass differ
    return trafilatura.extract(page, **(mode or {"favor_precision": True}), include_comments=False, deduplicate=True)


def same(a, b) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def test_every_replacement_is_found_in_this_trafilatura():
    # the walks were written for trafilatura 2.3.1's expressions; all twelve must still match
    assert len(extract_speedups.replacements()) == N_WALKS


def test_walks_select_the_same_elements_as_the_xpaths_during_real_extractions(stock):
    """At every call trafilatura makes while extracting real Common Crawl pages, each walk returns
    the very elements, in the same order, that the XPath returns on the same tree at that moment."""
    calls, matched, differ = collections.Counter(), collections.Counter(), []

    class Both:
        def __init__(self, key, xp, walk):
            self.key, self.xp, self.walk, self.path = key, xp, walk, xp.path

        def __call__(self, tree):
            want, got = self.xp(tree), self.walk(tree)
            calls[self.key] += 1
            matched[self.key] += bool(want)
            if not same(want, got):
                differ.append((self.key, len(want), len(got)))
            return want

    for exprs, i, xp, walk in stock:
        exprs[i] = Both((id(exprs), i), xp, walk)
    pages = real_pages()
    assert len(pages) > 250
    for page in pages:
        extract(page)
    assert differ == []
    assert len(calls) == N_WALKS  # every replaced expression was exercised
    # and the comparison had something to compare: the busiest ones select elements on many pages
    assert sum(matched.values()) > 500


def test_extracted_text_is_unchanged_with_every_speedup(stock):
    pages = real_pages()
    before = [extract(p) for p in pages]
    assert extract_speedups.install() == N_WALKS
    after = [extract(p) for p in pages]
    assert after == before and sum(map(bool, before)) > 200
    # the pages exercise what the C-level lookup changes: form controls
    assert sum("<input" in p or "<select" in p or "<textarea" in p for p in pages) > 50


def test_the_raw_tree_is_not_copied_for_readability_in_precision_mode(stock, monkeypatch):
    copied = []
    monkeypatch.setattr(extract_speedups, "_STOCK_COPY", lambda obj: copied.append(obj) or copy.copy(obj))
    pages = [p for p in real_pages() if extract(p)][:20]
    extract_speedups.set_spared_copy(False)  # trafilatura's core now copies through the counting stand-in
    before = [extract(p) for p in pages]
    stock_copies, copied[:] = len(copied), []
    assert extract_speedups.set_spared_copy(True)
    assert [extract(p) for p in pages] == before
    assert len(copied) == stock_copies - len(pages)  # one copy fewer per page, the others still made


@pytest.mark.parametrize("mode", [{"favor_recall": True}, {}], ids=["recall", "balanced"])
def test_other_modes_keep_the_copy_their_later_stages_read(stock, mode):
    """The baseline rescue and the recall escalation read the raw tree after readability ran."""
    pages = real_pages()
    before = [extract(p, **mode) for p in pages]
    assert extract_speedups.set_spared_copy(True)
    assert [extract(p, **mode) for p in pages] == before


def test_changed_sequence_code_keeps_the_copy_and_says_so(stock, monkeypatch, caplog):
    monkeypatch.setitem(extract_speedups._SPARE_WRITTEN_FOR, "_extract_and_compare", "0" * 64)
    with caplog.at_level(logging.WARNING):
        assert extract_speedups.set_spared_copy(True) is False
    assert "_extract_and_compare" in caplog.text
    assert not isinstance(trafilatura.core._extract_and_compare, extract_speedups._SparingCompare)
    assert trafilatura.core.copy is copy.copy


# Control characters: every code point the class holds, its neighbours, surrogates (lone, and the
# astral characters' pairs in UTF-16), and the ones trafilatura keeps (tab, line feed, return)
SPECIAL = [*map(chr, [*range(0x00, 0x22), 0x7F, 0x80, 0x9F, 0xD7FF, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xE000, 0xFFFD,
                      0xFFFE, 0xFFFF, 0x10000, 0x1FFFE, 0x1FFFF, 0x10FFFF]), "a", "é", "ж", "中", "😀", "<p>"]


@settings(max_examples=2000, deadline=None)
@given(st.lists(st.sampled_from(SPECIAL), max_size=8).map("".join))
def test_control_chars_are_found_as_the_regex_finds_them(text):
    assert extract_speedups.has_invalid_xml_char(text) == bool(trafilatura.utils.INVALID_XML_CHARS.search(text))


def test_pages_are_repaired_as_trafilatura_repairs_them(stock):
    pages = real_pages()
    dirty = [p[:500] + "\x0c\x00" + p[500:1000] + "\ufffe" + p[1000:] for p in pages[:20]] + ["\x1f" + pages[0]]
    before = [trafilatura.utils.repair_faulty_html(p, p[:50].lower()) for p in pages + dirty]
    extract_speedups.set_control_char_check(True)
    assert [trafilatura.utils.repair_faulty_html(p, p[:50].lower()) for p in pages + dirty] == before
    assert all(a != b for a, b in zip(dirty, before[len(pages):]))  # the dirty pages really were repaired
    assert not any(extract_speedups.has_invalid_xml_char(p) for p in before)


def test_a_changed_control_char_class_keeps_its_substitution(stock, monkeypatch, caplog):
    import re

    monkeypatch.setattr(trafilatura.utils, "INVALID_XML_CHARS", re.compile(r"[\x00-\x08\x7f]"))
    with caplog.at_level(logging.WARNING):
        extract_speedups.set_control_char_check(True)
    assert trafilatura.utils.INVALID_XML_CHARS.pattern == r"[\x00-\x08\x7f]" and "INVALID_XML_CHARS" in caplog.text
    assert trafilatura.utils.repair_faulty_html("a\x7fb", "") == "ab"


# Generated trees: tags and attribute values built from the expressions' own vocabulary, attributes
# in any order (``@id|@class`` takes whichever comes first), nested at random.
TAGS = ["div", "section", "aside", "span", "p", "list", "item", "ol", "ul", "details", "article", "h1", "a", "main"]
ATTRS = ["id", "class", "style", "role", "aria-hidden", "data-component", "data-lp-replacement-content", "itemprop"]
WORDS = ["", " ", "comment", "Comment", "commentary", "comments-title", "post-comments", "comol", "disqus_thread",
         "nav", "Nav", "NAV", "navigation", "reply-", "x-reply-y", "hidden", "hide-", " hide", "display:none",
         "display: none", "border", "bottom", "link", "permalink", "ad-", " ad ", "teaser", "Teaser", "caption",
         "elementor-share-buttons", "mvp-post-add-box", "infinite-scroll", "share", "cookie", "true", "footer",
         "widget", "MostPopularStories", "akismet", "main", "x",
         # BODY_XPATH's: exact values, pattern pieces, anchors (^primary, ^article ), case, translate()
         "post", "entry", "articleBody", "articleContent", "article", "story", "text", "cell", "content", "Content",
         "article-content", "post-text", "story-body", "primary", "xprimary", "article ", "FullText", "fulltext",
         "content-main", "content__body", "main-content", "Main-Content", "MAIN-CONTENT", "Page-Content", "page-"]
value = st.lists(st.sampled_from(WORDS), max_size=3).map("".join)
element = st.tuples(st.sampled_from(TAGS), st.lists(st.tuples(st.sampled_from(ATTRS), value), max_size=4,
                                                    unique_by=lambda a: a[0]))


def render(tree) -> str:
    (tag, attrs), children = tree
    inner = "".join(render(c) for c in children)
    attr_text = "".join(f' {k}="{v}"' for k, v in attrs)
    return f"<{tag}{attr_text}>t{inner}</{tag}>"


trees = st.recursive(st.tuples(element, st.just([])),
                     lambda kids: st.tuples(element, st.lists(kids, max_size=4)), max_leaves=25)


@settings(max_examples=300, deadline=None)
@given(st.lists(trees, min_size=1, max_size=4))
def test_walks_equal_xpaths_on_generated_trees(forest):
    root = lxml_html.fromstring("<html><body>" + "".join(map(render, forest)) + "</body></html>")
    for _, _, xp, walk in extract_speedups.replacements():
        assert same(xp(root), walk(root)), xp.path


def test_walks_equal_xpaths_for_every_order_of_two_attributes():
    # `@id|@class` and `@id|@style` read whichever attribute comes first, even when it is empty
    values = ["", "hidden", "reply-x", "comment", "bottom", "link", "share", "x"]
    elements = [f'<{tag} {a}="{va}" {b}="{vb}">t</{tag}>'
                for tag in ("div", "span", "ul", "aside") for a, b in itertools.permutations(("id", "class", "style"), 2)
                for va in values for vb in values]
    root = lxml_html.fromstring("<html><body>" + "".join(elements) + "</body></html>")
    for _, _, xp, walk in extract_speedups.replacements():
        assert same(xp(root), walk(root)), xp.path


def test_first_match_and_first_matching_child_of_each_parent():
    # BODY_XPATH[0] is `.//*[...][1]`: a parent's first matching child, for every parent; [2] and [3]
    # are `(...)[1]`: the first match of all
    root = lxml_html.fromstring(
        '<html><body><div class="x"><section class="post">a<div class="entry">b</div></section>'
        '<div class="post">c</div></div><article class="entry">d</article>'
        '<main id="story">e</main><div class="text">f</div><div id="Main-Content">g</div></body></html>')
    walks = {i: (xp, w) for exprs, i, xp, w in extract_speedups.replacements() if exprs is xpaths.BODY_XPATH}
    assert sorted(walks) == [0, 2, 3]
    for xp, walk in walks.values():
        assert same(xp(root), walk(root)), xp.path
    assert [e.text for e in walks[0][1](root)] == ["a", "b", "d"]
    assert [e.text for e in walks[2][1](root)] == ["e"] and [e.text for e in walks[3][1](root)] == ["g"]


def test_a_changed_expression_keeps_its_xpath_and_says_so(stock, caplog):
    changed = etree.XPath(".//*[self::div][contains(@class, 'something-else')]")
    xpaths.TEASER_DISCARD_XPATH[0] = changed
    with caplog.at_level(logging.WARNING):
        reps = extract_speedups.replacements()
    assert len(reps) == N_WALKS - 1 and all(xp is not changed for _, _, xp, _ in reps)
    assert "TEASER_DISCARD_XPATH[0]" in caplog.text


def test_a_whole_document_gives_what_the_xpath_gives():
    root = lxml_html.fromstring('<html style="display:none"><body><div style="display: none">t</div></body></html>')
    doc = etree.ElementTree(root)
    walk = next(w for exprs, i, _, w in extract_speedups.replacements() if exprs is xpaths.OVERALL_DISCARD_XPATH and i == 1)
    assert walk(doc) == walk.xpath(doc) == walk(root) == [root.find(".//div")]
