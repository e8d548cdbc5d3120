#!/usr/bin/env python
"""Screenshots of the audit review page (docs/img/audit_{latn,arab,cjk}.png) in a Latin, an Arabic and
a CJK pack, built from real texts the same way the tests build them (tests/audit/small_output.py).

Needs Debian's chromium and chromium-driver, selenium, and fonts for the scripts (fonts-noto-cjk for
Chinese; DejaVu Sans covers Arabic). Run from the repository root: ``python scripts/audit_screenshots.py``.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curate.audit import pack as packs  # noqa: E402
from tests.audit.browser import chromium, missing  # noqa: E402
from tests.audit.small_output import texts, write_output  # noqa: E402

SHOTS = {"latn": "fra_Latn", "arab": "arb_Arab", "cjk": "cmn_Hani"}
WRONG = {"fra_Latn": ("Die Stadtbibliothek", "deu_Latn")}  # the Latin shot shows the actual-language field


def build(tmp: Path, lang: str) -> Path:
    docs = texts(lang)
    docs.insert(1, "\n\n".join(docs[2:6]))  # a long one, folded on the page
    if lang == "fra_Latn":
        docs.insert(2, texts("deu_Latn")[0])  # German in the French pack: the reviewer says which language
    out = write_output(tmp / lang, lang, docs[:14], docs[14:20])
    pack = packs.build_pack(out, lang, kept=14, removed=6, seed=3)
    return Path(packs.write_pack(out, pack)["page"])


def shoot(driver, page: Path, png: Path, wrong: str | None = None) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(page.as_uri())
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    driver.find_element(By.ID, "name").send_keys("Amina Diallo", Keys.ENTER)
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys("1", "2", "1", "1", Keys.ARROW_LEFT)  # four labelled, back on the fourth: its label lit
    if wrong:  # on to the document in another language, labelled so, its language typed
        at = driver.execute_script(f"return JSON.parse(document.getElementById('pack').textContent).items"
                                   f".findIndex((it) => it.text.startsWith({wrong[0]!r}))")
        body.send_keys(*([Keys.ARROW_RIGHT] * (at - 3) if at >= 3 else [Keys.ARROW_LEFT] * (3 - at)), "4")
        driver.switch_to.active_element.send_keys(wrong[1])
    time.sleep(0.3)
    png.parent.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(png))
    print(f"wrote {png.relative_to(ROOT)}")


def main() -> int:
    if gone := missing():
        print(f"missing: {gone}; install with: apt-get install -y chromium chromium-driver", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        driver = chromium(str(tmp / "profile"))
        # the viewport itself 1200x800 (a headless window's size includes its invisible toolbars)
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1200, "height": 800, "deviceScaleFactor": 1, "mobile": False})
        try:
            for name, lang in SHOTS.items():
                shoot(driver, build(tmp, lang), ROOT / "docs" / "img" / f"audit_{name}.png", WRONG.get(lang))
        finally:
            driver.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
