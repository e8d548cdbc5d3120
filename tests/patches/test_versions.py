"""Every patch names the library version it was written for; that version is the installed one (this
test fails when a pin moves, so the patch is re-checked), and another version gets the library's own
code back, with a warning naming both versions."""
import importlib
import logging

import pytest

from curate import patches


def _all():
    return [importlib.import_module(f"curate.patches.{n}") for n in patches.PROCESS_WIDE + patches.AT_LOAD]


@pytest.mark.parametrize("patch", _all(), ids=lambda p: p.__name__.rsplit(".", 1)[-1])
def test_written_for_the_installed_version(patch):
    assert patch.LIBRARY and patch.WRITTEN_FOR
    found = patches.installed_version(patch.LIBRARY)
    assert found == patch.WRITTEN_FOR or found.startswith(patch.WRITTEN_FOR + "."), (
        f"{patch.__name__} was written for {patch.LIBRARY} {patch.WRITTEN_FOR}, {found} is installed: "
        "check the patch against the new version (its tests here), then update WRITTEN_FOR")
    assert patches.supported(patch)


def test_every_patch_module_is_registered():
    from pathlib import Path

    # a leading underscore marks a patch's own helper (its compiled kernel), not a patch
    here = {p.stem for p in Path(patches.__file__).parent.glob("*.py") if not p.stem.startswith("_")}
    assert here == set(patches.PROCESS_WIDE + patches.AT_LOAD)


def _library_functions():
    import ftfy
    import ftfy.fixes
    from datatrove.pipeline.filters import gopher_repetition_filter as grf
    from trafilatura import utils, xpaths

    return {"ftfy.is_bad": ftfy.is_bad, "ftfy.fixes.is_bad": ftfy.fixes.is_bad,
            "datatrove get_n_grams": grf.get_n_grams, "datatrove find_all_duplicate": grf.find_all_duplicate,
            "trafilatura OVERALL_DISCARD_XPATH": list(xpaths.OVERALL_DISCARD_XPATH),
            "trafilatura INVALID_XML_CHARS": utils.INVALID_XML_CHARS}


@pytest.fixture
def stock():
    """The libraries' own functions (patches removed), restoring the process's state afterwards."""
    before = patches.active()
    patches.install(False)
    yield _library_functions()
    patches.install(before)


def test_switch_off_gives_the_libraries_own_code_and_on_replaces_it(stock):
    patches.install(True)
    on = _library_functions()
    assert all(on[k] is not v and on[k] != v for k, v in stock.items()), [k for k, v in stock.items() if on[k] == v]
    assert patches.active()
    patches.install(False)
    assert _library_functions() == stock and not patches.active()


def test_another_library_version_keeps_the_librarys_code_with_a_warning(stock, monkeypatch, caplog):
    from curate.patches import ftfy_mojibake, trafilatura_speedups

    monkeypatch.setattr(ftfy_mojibake, "WRITTEN_FOR", "0.1")
    monkeypatch.setattr(trafilatura_speedups, "WRITTEN_FOR", "1.0.0")
    monkeypatch.setattr(patches, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="curate.patches"):
        patches.install(True)
    now = _library_functions()
    assert now["ftfy.is_bad"] is stock["ftfy.is_bad"]
    assert now["trafilatura OVERALL_DISCARD_XPATH"] == stock["trafilatura OVERALL_DISCARD_XPATH"]
    assert now["datatrove get_n_grams"] is not stock["datatrove get_n_grams"]  # its version matches: applied
    warned = [r.getMessage() for r in caplog.records]
    assert any("ftfy_mojibake was written for ftfy 0.1, found 6.3.1" in m for m in warned), warned
    assert any("trafilatura_speedups was written for trafilatura 1.0.0" in m for m in warned), warned
    assert not patches.wanted(ftfy_mojibake) and patches.wanted(trafilatura_speedups) is False


def test_at_load_patches_follow_the_switch_and_the_version(monkeypatch):
    from curate.patches import spacy_prefix

    assert patches.wanted(spacy_prefix)
    monkeypatch.setattr(patches, "_active", False)
    assert not patches.wanted(spacy_prefix)
    monkeypatch.setattr(patches, "_active", True)
    monkeypatch.setattr(spacy_prefix, "WRITTEN_FOR", "2.0")
    monkeypatch.setattr(patches, "_warned", set())
    assert not patches.wanted(spacy_prefix)


def test_one_patch_can_be_left_out(stock):
    """`patches_off` (the speed-up review): the named patch keeps its library's code, the others apply."""
    from curate.patches import spacy_prefix

    patches.install(True, ("ftfy_mojibake", "spacy_prefix"))
    now = _library_functions()
    assert now["ftfy.is_bad"] is stock["ftfy.is_bad"]
    assert now["datatrove get_n_grams"] is not stock["datatrove get_n_grams"]
    assert not patches.wanted(spacy_prefix)
    patches.install(True)
    assert _library_functions()["ftfy.is_bad"] is not stock["ftfy.is_bad"] and patches.wanted(spacy_prefix)
    with pytest.raises(ValueError, match="unknown patches \\['no_such'\\]"):
        patches.install(True, ("no_such",))
