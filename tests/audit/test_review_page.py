"""The review page in a real headless Chromium: what a reviewer does with it, and what comes out.

Packs are built by the real code (pack.build_pack / write_pack) from a small output in the released
layout holding real texts (tests/audit/small_output.py). The page is opened from disk (file://) as a
reviewer would, and over http from ``curate audit serve``'s server.
"""
from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from curate.audit import pack as packs
from curate.audit import serve, taxonomy
from tests.audit.browser import SETUP, chromium, missing
from tests.audit.small_output import texts, write_output

try:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
except ImportError:  # the browser fixture says what to install
    ActionChains = By = Keys = None

REVIEWER = "Amina Diallo"
GERMAN = texts("deu_Latn")[0]
FRENCH = texts("fra_Latn")
LONG = "\n\n".join(FRENCH[10:14])  # ~5,000 characters: folded
INJECTION = ("Un texte piégé : </script><script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">"
             " <!-- <script>window.pwned = 3</script> fin.")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    gone = missing()
    if gone:
        msg = f"the review-page tests need headless Chromium; missing: {gone}. Set up with: {SETUP}"
        if os.environ.get("CI") == "true":  # CI installs them: a missing browser there is a broken set-up
            pytest.fail(msg)
        pytest.skip(msg)
    driver = chromium(str(tmp_path_factory.mktemp("chromium-profile")), str(tmp_path_factory.mktemp("downloads")))
    yield driver
    driver.quit()


def _pack(root: Path, lang: str, kept: list[str], removed: list[str]) -> dict:
    out = write_output(root, lang, kept, removed)
    pack = packs.build_pack(out, lang, kept=len(kept), removed=len(removed), seed=7)
    uris = packs.write_pack(out, pack)
    return {"pack": pack, "page": Path(uris["page"]), "dir": Path(uris["pack"]).parent}


@pytest.fixture(scope="module")
def latn(tmp_path_factory):
    """A French pack of 13: short and long documents, one in German, one that tries to inject markup."""
    kept = FRENCH[:7] + [LONG, GERMAN, INJECTION]
    return _pack(tmp_path_factory.mktemp("latn"), "fra_Latn", kept, FRENCH[7:10])


@pytest.fixture(scope="module")
def arab(tmp_path_factory):
    docs = texts("arb_Arab")
    return _pack(tmp_path_factory.mktemp("arab"), "arb_Arab", docs[:4], docs[4:6])


# --- driving the page ---------------------------------------------------------------------------------

def start(driver, url: str, name: str | None = REVIEWER) -> None:
    """Open ``url`` in a browser that has never seen it (localStorage cleared), enter the name."""
    driver.get(url)
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    assert driver.find_element(By.ID, "welcome").is_displayed()
    if name:
        driver.find_element(By.ID, "name").send_keys(name, Keys.ENTER)
        assert driver.find_element(By.ID, "text").is_displayed()


def press(driver, *keys) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def click(driver, element_id: str) -> None:
    """A mouse click, after scrolling the element clear of the fixed label dock as a reviewer would."""
    el = driver.find_element(By.ID, element_id)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
    el.click()


def text(driver, element_id: str) -> str:
    return driver.find_element(By.ID, element_id).text


def doc_text(driver) -> str:
    """The document as shown, to the character (``.text`` drops marks like U+200F)."""
    return driver.find_element(By.ID, "text").get_property("textContent")


def shown(driver, element_id: str) -> bool:
    return driver.find_element(By.ID, element_id).is_displayed()


def pressed(driver) -> list[str]:
    """Keys of the highlighted label buttons."""
    return [b.get_attribute("data-key") for b in driver.find_elements(By.CSS_SELECTOR, ".label[aria-pressed=true]")]


def go_to(driver, pack: dict, doc_text: str) -> int:
    """Move (with the → key) from the first item to the one whose text is ``doc_text``; its index."""
    at = next(i for i, it in enumerate(pack["items"]) if it["text"] == doc_text)
    press(driver, *[Keys.ARROW_RIGHT] * at)
    assert text(driver, "position") == f"Item {at + 1} of {len(pack['items'])}"
    return at


def downloads_to(driver, folder: Path) -> Path:
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


def downloaded(folder: Path, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.suffix == ".json"]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"nothing downloaded into {folder}: {list(folder.iterdir())}")


def expected(pack: dict, given: dict[int, str | tuple[str, str]]) -> list[dict]:
    """The labels file's ``labels`` for {item index: label or (label, actual language)}, in pack order."""
    out = []
    for i in sorted(given):
        label, actual = given[i] if isinstance(given[i], tuple) else (given[i], None)
        item = pack["items"][i]
        out.append({"item": item["item"], "hash": item["hash"], "label": label} |
                   ({"actual_language": actual} if actual else {}))
    return out


def assert_labels_file(got: dict, pack: dict, labels: list[dict]) -> None:
    assert set(got) == {"format", "pack_id", "pack_hash", "language", "reviewer", "exported_at", "labels"}
    assert got["format"] == taxonomy.LABELS_FORMAT
    assert (got["pack_id"], got["pack_hash"], got["language"]) == (pack["pack_id"], pack["pack_hash"], pack["language"])
    assert got["reviewer"] == REVIEWER
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", got["exported_at"])
    assert got["labels"] == labels


# --- the page from disk -------------------------------------------------------------------------------

def test_reviewer_labels_with_keys_and_clicks_and_exports(browser, latn, tmp_path):
    pack, n = latn["pack"], len(latn["pack"]["items"])
    start(browser, latn["page"].as_uri(), name=None)
    browser.find_element(By.ID, "name").send_keys("a/b", Keys.ENTER)  # not a name that can be a file name
    assert "letters" in text(browser, "name-error") and shown(browser, "welcome")
    browser.find_element(By.ID, "name").clear()
    browser.find_element(By.ID, "name").send_keys(REVIEWER, Keys.ENTER)
    assert text(browser, "reviewer") == REVIEWER
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 1 of {n}", f"0 of {n} labelled")
    assert text(browser, "url") == pack["items"][0]["url"]
    assert pack["items"][0]["text"].startswith(doc_text(browser)[:300])
    assert not shown(browser, "save")  # no server behind a file:// page

    press(browser, "1")  # each label moves on to the next item
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 2 of {n}", f"1 of {n} labelled")
    click(browser, "label-boilerplate")
    press(browser, "3")
    click(browser, "label-not_language")
    press(browser, "6")
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 6 of {n}", f"5 of {n} labelled")
    assert pressed(browser) == []

    press(browser, Keys.ARROW_LEFT)  # back: the label given is highlighted
    assert text(browser, "position") == f"Item 5 of {n}" and pressed(browser) == ["offensive"]
    click(browser, "back")
    assert text(browser, "position") == f"Item 4 of {n}" and pressed(browser) == ["not_language"]
    press(browser, "1")  # changed, and on to the next
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 5 of {n}", f"5 of {n} labelled")
    press(browser, Keys.ARROW_RIGHT)
    click(browser, "forward")
    assert text(browser, "position") == f"Item 7 of {n}" and pressed(browser) == []

    folder = downloads_to(browser, tmp_path)
    press(browser, "e")
    path = downloaded(folder)
    assert path.name == f"labels-{pack['pack_id']}-{REVIEWER}.json"
    labels = expected(pack, {0: "correct", 1: "boilerplate", 2: "too_short", 3: "correct", 4: "offensive"})
    assert_labels_file(json.loads(path.read_text(encoding="utf-8")), pack, labels)


def test_reload_keeps_labels_and_position(browser, latn):
    n = len(latn["pack"]["items"])
    start(browser, latn["page"].as_uri())
    press(browser, "1", "2", "3", "4", Keys.ENTER, "5", Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 4 of {n}", f"5 of {n} labelled")
    browser.refresh()  # a reviewer who closes the tab and opens the file again
    assert not shown(browser, "welcome"), "the name is asked once"
    assert (text(browser, "position"), text(browser, "progress")) == (f"Item 4 of {n}", f"5 of {n} labelled")
    assert pressed(browser) == ["wrong_language"]
    press(browser, Keys.ARROW_RIGHT)
    assert pressed(browser) == ["not_language"]
    keys = browser.execute_script("return Object.keys(localStorage)")
    assert any(latn["pack"]["pack_id"] in k for k in keys), keys


def test_wrong_language_records_actual_language(browser, latn, tmp_path):
    pack = latn["pack"]
    start(browser, latn["page"].as_uri())
    at = go_to(browser, pack, GERMAN)
    assert not shown(browser, "actual-row")
    press(browser, "4")  # stays on the item: the reviewer may say which language it is
    assert text(browser, "position") == f"Item {at + 1} of {len(pack['items'])}" and shown(browser, "actual-row")
    field = browser.switch_to.active_element
    assert field.get_attribute("id") == "actual"
    field.send_keys("German", Keys.ENTER)  # not a code: refused, not moved on
    assert "FineWeb2 code" in text(browser, "actual-error")
    assert text(browser, "position") == f"Item {at + 1} of {len(pack['items'])}"
    field.clear()
    field.send_keys("deu_latn", Keys.ENTER)  # case mended
    assert text(browser, "position") == f"Item {at + 2} of {len(pack['items'])}"
    press(browser, "4")
    browser.switch_to.active_element.send_keys(Keys.ENTER)  # optional: none given
    assert text(browser, "position") == f"Item {at + 3} of {len(pack['items'])}"
    press(browser, Keys.ARROW_LEFT, Keys.ARROW_LEFT)
    assert browser.find_element(By.ID, "actual").get_attribute("value") == "deu_Latn"

    folder = downloads_to(browser, tmp_path)
    click(browser, "export")
    got = json.loads(downloaded(folder).read_text(encoding="utf-8"))
    assert_labels_file(got, pack, expected(pack, {at: ("wrong_language", "deu_Latn"), at + 1: "wrong_language"}))


def test_long_document_folded_then_unfolded(browser, latn):
    start(browser, latn["page"].as_uri())
    if latn["pack"]["items"][0]["text"] != LONG:
        assert not shown(browser, "fold")  # a short one shows whole
    go_to(browser, latn["pack"], LONG)
    folded = doc_text(browser)
    assert 1300 < len(folded) <= 1502 and folded.endswith(" …") and LONG.startswith(folded.removesuffix(" …"))
    assert text(browser, "fold") == f"Show all ({len(LONG):,} characters)"
    click(browser, "fold")
    assert doc_text(browser) == LONG and text(browser, "fold") == "Show less"
    click(browser, "fold")
    assert doc_text(browser) == folded


def test_rtl_pack_reads_right_to_left(browser, arab, latn):
    start(browser, arab["page"].as_uri())
    el = browser.find_element(By.ID, "text")
    assert (el.get_attribute("dir"), el.get_attribute("lang")) == ("rtl", "arb-Arab")
    assert el.value_of_css_property("direction") == "rtl"
    assert el.value_of_css_property("unicode-bidi") == "plaintext"
    assert el.value_of_css_property("white-space") == "pre-wrap"
    assert doc_text(browser) == arab["pack"]["items"][0]["text"]
    # the first line hugs the right edge: a line of Arabic starts there
    line = browser.execute_script(
        "const r = document.createRange(), t = document.getElementById('text');"
        "r.setStart(t.firstChild, 0); r.setEnd(t.firstChild, 1);"
        "return [r.getBoundingClientRect().right, t.getBoundingClientRect().right]")
    assert line[1] - line[0] < 5, line
    assert browser.find_element(By.ID, "url").value_of_css_property("direction") == "ltr"  # URLs stay LTR
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"  # the page's own words

    start(browser, latn["page"].as_uri())
    el = browser.find_element(By.ID, "text")
    assert (el.get_attribute("dir"), el.get_attribute("lang")) == ("ltr", "fra-Latn")


def test_document_text_cannot_run_script(browser, latn):
    html = latn["page"].read_text(encoding="utf-8")
    assert "</script><script>window.pwned" not in html and "<\\/script><script>window.pwned" in html
    start(browser, latn["page"].as_uri())
    go_to(browser, latn["pack"], INJECTION)
    assert doc_text(browser) == INJECTION  # shown as text
    assert browser.execute_script("return typeof window.pwned") == "undefined"
    assert browser.find_elements(By.CSS_SELECTOR, "#text *") == []
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 2
    # and the page fetched nothing at all: it works offline
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    # even markup that slipped in could load nothing: the page's Content-Security-Policy refuses it
    browser.execute_script("window.blocked = [];"
                           "document.addEventListener('securitypolicyviolation', (e) => blocked.push(e.blockedURI));"
                           "document.getElementById('note').innerHTML = "
                           "'<img src=\"https://tracker.example/x.png\" onerror=\"window.pwned = 4\">';")
    time.sleep(0.3)
    assert sorted(browser.execute_script("return window.blocked")) == ["https://tracker.example/x.png", "inline"]
    assert browser.execute_script("return typeof window.pwned") == "undefined"


def test_review_is_blind(browser, latn):
    """Nothing on the page, nor in its source, says whether an item was kept or removed, nor why."""
    pack = latn["pack"]
    embedded = latn["page"].read_text(encoding="utf-8")
    reasons = {it["filter_reason"] for it in pack["items"] if it["filter_reason"]}
    assert reasons and not any(r in embedded for r in reasons)
    assert '"side"' not in embedded and "filter_reason" not in embedded
    start(browser, latn["page"].as_uri())
    for i in range(len(pack["items"])):
        chrome = browser.execute_script("return document.body.innerText.replace(document.getElementById('text')"
                                        ".innerText, '')").lower()
        assert "removed" not in chrome and "kept" not in chrome, i
        press(browser, Keys.ARROW_RIGHT)


# --- the page over http (curate audit serve) ----------------------------------------------------------

@pytest.fixture
def server(latn):
    srv = serve.make_server(str(latn["dir"]), "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()
    for f in (latn["dir"] / "labels").glob("*"):
        f.unlink()


def test_served_page_saves_labels_to_the_pack(browser, latn, server):
    pack = latn["pack"]
    start(browser, server + "/")
    assert shown(browser, "save")
    press(browser, "1", "5", "2")
    click(browser, "save")
    for _ in range(100):
        if "Saved" in text(browser, "status"):
            break
        time.sleep(0.05)
    saved = latn["dir"] / "labels" / f"{REVIEWER}.json"
    assert text(browser, "status") == f"Saved 3 labels on the server: {saved}"
    got = json.loads(saved.read_text(encoding="utf-8"))
    assert_labels_file(got, pack, expected(pack, {0: "correct", 1: "not_language", 2: "boilerplate"}))


def _post(url: str, body: bytes, ctype: str = "application/json", **headers) -> tuple[int, dict]:
    req = urllib.request.Request(url + "/labels", data=body, method="POST", headers={"Content-Type": ctype, **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_server_refuses_what_is_not_this_packs_labels(latn, server):
    pack = latn["pack"]
    good = {"format": taxonomy.LABELS_FORMAT, "pack_id": pack["pack_id"], "pack_hash": pack["pack_hash"],
            "language": pack["language"], "reviewer": REVIEWER, "exported_at": "2025-01-01T00:00:00Z",
            "labels": expected(pack, {0: "correct"})}
    item = pack["items"][0]
    bad = {
        "not JSON": b"{labels",
        "format": dict(good, format="curate-audit-labels/9"),
        "pack": dict(good, pack_id="fra_Latn-s0-000000000000"),
        "pack 'hash'": dict(good, pack_hash="0" * 64),
        "hash differs": dict(good, labels=[dict(good["labels"][0], hash="0" * 64)]),
        "label 'great'": dict(good, labels=[{"item": item["item"], "hash": item["hash"], "label": "great"}]),
        "unknown item 'i9999'": dict(good, labels=[{"item": "i9999", "hash": item["hash"], "label": "correct"}]),
        "reviewer '../../x'": dict(good, reviewer="../../x"),
        "reviewer ''": dict(good, reviewer=""),
        "actual_language 'french'": dict(good, labels=[dict(good["labels"][0], label="wrong_language",
                                                            actual_language="french")]),
        "labels must be a non-empty list": dict(good, labels=[]),
    }
    for why, payload in bad.items():
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        status, reply = _post(server, body)
        assert status == 400, (why, reply)
        words = why.split()[0].strip("'") if why != "not JSON" else "Expecting"
        assert words in reply["error"], (why, reply)
    assert _post(server, json.dumps(good).encode(), ctype="text/plain")[0] == 400  # a cross-site form's type
    assert _post(server, json.dumps(good).encode(), Origin="http://elsewhere.example")[0] == 403
    assert not (latn["dir"] / "labels").exists() or not any((latn["dir"] / "labels").iterdir())

    status, reply = _post(server, json.dumps(good).encode())
    assert status == 200 and Path(reply["saved"]) == latn["dir"] / "labels" / f"{REVIEWER}.json"
    assert json.loads(Path(reply["saved"]).read_text(encoding="utf-8")) == good
    with urllib.request.urlopen(server + "/", timeout=10) as r:
        assert r.headers.get_content_type() == "text/html" and b'id="pack"' in r.read()


def test_serve_refuses_what_is_not_a_local_pack(tmp_path, capsys):
    assert serve.main(["s3://bucket/audits/packs/x"]) == 2
    assert "not a local folder" in capsys.readouterr().err
    assert serve.main([str(tmp_path)]) == 2
    assert "no pack.json" in capsys.readouterr().err
