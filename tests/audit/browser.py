"""Debian's headless Chromium under selenium, for the review-page tests and scripts/audit_screenshots.py."""
from __future__ import annotations

import os

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SETUP = "apt-get install -y chromium chromium-driver"
# Without the background-networking flags Chromium keeps trying (and failing) to reach Google's
# services from a closed network; a fresh profile keeps one run's localStorage from the next.
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--lang=en-US")


def missing() -> str | None:
    """What of Chromium/chromedriver/selenium is not installed, or None."""
    gone = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        gone.append("selenium (pip install selenium)")
    return ", ".join(gone) or None


def chromium(profile: str, downloads: str | None = None, size: tuple[int, int] = (1200, 800)):
    """A headless Chromium driven by /usr/bin/chromedriver (selenium-manager downloads nothing)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={profile}")
    opts.add_argument(f"--window-size={size[0]},{size[1]}")
    if downloads:
        opts.add_experimental_option("prefs", {"download.default_directory": downloads,
                                               "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    if downloads:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads})
    return driver
