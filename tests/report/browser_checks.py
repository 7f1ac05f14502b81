"""What every page test in a real browser shares: headless Chromium through
chromedriver, a phone's screen, and the two promises every micdoctor page
keeps — a hostile name shows as text and nothing from it runs, and a phone
never scrolls sideways. Import it from tests/report (tests elsewhere put this
folder on sys.path first)."""
import os
import tempfile

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

# A name that is markup and script: an image whose error handler and a
# script that set window.pwned, an alert, a quote that would end an
# attribute, and an element with an id to look for.
HOSTILE = "<img src=x onerror=window.pwned=1><script>window.pwned=2;alert(3)</script>\"'><b id=injected>x</b>"
SCREENSHOTS = os.environ.get("MICDOCTOR_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "micdoctor-screenshots"))
PHONE_WIDTH = 390
PHONE_HEIGHT = 844


def browser(width=1200, height=900, log_network=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    if log_network:
        # Every request the page makes, from DevTools' network domain.
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def phone_browser():
    """A browser with a phone's screen. Headless Chromium keeps windows at
    least 500 px wide, so the screen is emulated instead, with its layout
    viewport from the page's viewport tag (a page too wide for it would be
    zoomed out, which fits_phone_width catches)."""
    driver = browser(PHONE_WIDTH, PHONE_HEIGHT)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE_WIDTH, "height": PHONE_HEIGHT, "deviceScaleFactor": 1, "mobile": True})
    return driver


def assert_nothing_injected(test, driver, raw_html=None, tags=("script", "img", "iframe", "b")):
    """Nothing from a hostile name ran or became an element. raw_html: the
    page's source, which must not hold the name's markup unescaped; tags: the
    elements the page itself never has."""
    if raw_html is not None:
        for raw in ("<script", "<img", "<b id=injected"):
            test.assertNotIn(raw, raw_html)
    with test.assertRaises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 (reading it is the check)
    test.assertIsNone(driver.execute_script("return window.pwned === undefined ? null : window.pwned"))
    for tag in tags:
        test.assertEqual(driver.find_elements(By.TAG_NAME, tag), [], tag)
    test.assertEqual(driver.find_elements(By.ID, "injected"), [])


def assert_fits_phone_width(test, driver, elements=()):
    """The page at a phone's width: not zoomed out, no sideways scroll, and
    each of `elements` inside the screen."""
    test.assertEqual(driver.execute_script("return window.innerWidth"), PHONE_WIDTH, "zoomed out to fit something wider")
    test.assertLessEqual(driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth"), 0)
    for element in elements:
        test.assertLessEqual(driver.execute_script("return arguments[0].getBoundingClientRect().right", element),
                             PHONE_WIDTH)
