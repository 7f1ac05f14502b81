#!/usr/bin/python3
"""The drivers page (micdoctor drivers --format html) in headless Chromium:
a recorded Windows snapshot (tests/fixtures/windows/privacy_and_disabled.json)
given the driver facts the readers add (long hardware ids, a Windows Update
offer, the audio services with camsvc disabled) and a device named with HTML
and script. Nothing from the name runs or appears as an element, the name
shows as text, and at 390 px the page does not scroll sideways.
Usage: test_drivers_html.py PATH/TO/micdoctor"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

MICDOCTOR = None
HERE = os.path.dirname(os.path.abspath(__file__))
WINDOWS = os.path.join(HERE, "..", "fixtures", "windows", "privacy_and_disabled.json")
HOSTILE = "<img src=x onerror=window.pwned=1><script>window.pwned=2;alert(3)</script>\"'><b id=injected>x</b>"
SCREENSHOTS = os.environ.get("MICDOCTOR_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "micdoctor-screenshots"))


def browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def windows_snapshot():
    with open(WINDOWS, encoding="utf-8") as f:
        snapshot = json.load(f)
    realtek = snapshot["drivers"][0]
    realtek["device_name"] = HOSTILE
    realtek["hardware_ids"] = ["HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA2258&REV_1000",
                               "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA2258"]
    snapshot["driver_updates"] = {
        "searched": True, "online": True, "error": "", "blocked_by": "", "blocked_detail": "",
        "updates": [{"title": "Realtek Semiconductor Corp. - MEDIA - 6.0.9600.1",
                     "hardware_id": "HDAUDIO\\FUNC_01&VEN_10EC&DEV_0257&SUBSYS_17AA2258",
                     "provider": "Realtek Semiconductor Corp.", "manufacturer": "Realtek Semiconductor Corp.",
                     "model": "Realtek(R) Audio", "driver_class": "MEDIA", "version": "6.0.9600.1",
                     "date": "2023-05-10", "update_id": "0f3c2b1a-9e8d-4c7b-a6f5-e4d3c2b1a098"}]}
    snapshot["services"] = [
        {"name": "Audiosrv", "display_name": "Windows Audio", "exists": True, "state": "running",
         "start_type": "automatic", "error": ""},
        {"name": "camsvc", "display_name": "Capability Access Manager Service", "exists": True, "state": "stopped",
         "start_type": "disabled", "error": ""}]
    return snapshot


class DriversPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-drivers-html-")
        os.makedirs(SCREENSHOTS, exist_ok=True)
        snapshot_path = os.path.join(cls.dir, "windows.json")
        with open(snapshot_path, "w", encoding="utf-8") as f:
            json.dump(windows_snapshot(), f)
        cls.path = os.path.join(cls.dir, "drivers.html")
        p = subprocess.run([MICDOCTOR, "drivers", "--snapshot", snapshot_path, "--format", "html", "--output", cls.path],
                           capture_output=True, timeout=60)
        assert p.returncode in (0, 1), p.stderr
        with open(cls.path, encoding="utf-8") as f:
            cls.raw = f.read()
        cls.driver = browser(390, 844)
        # Headless Chromium keeps windows at least 500 px wide: a phone's screen
        # is emulated instead (a page too wide for it would be zoomed out).
        cls.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        cls.driver.get("file://" + cls.path)
        cls.driver.save_screenshot(os.path.join(SCREENSHOTS, "drivers-390.png"))

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_names_show_as_text_and_nothing_runs(self):
        d = self.driver
        for raw in ("<script", "<img", "<b id=injected"):
            self.assertNotIn(raw, self.raw)
        with self.assertRaises(NoAlertPresentException):
            d.switch_to.alert.text
        self.assertIsNone(d.execute_script("return window.pwned === undefined ? null : window.pwned"))
        for tag in ("script", "img", "b", "iframe"):
            self.assertEqual(d.find_elements(By.TAG_NAME, tag), [], tag)
        headings = [h.get_attribute("textContent") for h in d.find_elements(By.CSS_SELECTOR, ".device h3")]
        self.assertIn(HOSTILE, headings)

    def test_the_facts_are_there(self):
        text = self.driver.find_element(By.TAG_NAME, "main").get_attribute("textContent")
        self.assertIn("6.0.9600.1", text)
        self.assertIn("Optional updates", text)
        self.assertIn("camsvc", text)
        self.assertIn("Jabra EVOLVE 20 MS", text)

    def test_no_sideways_scroll_at_390_px(self):
        d = self.driver
        self.assertEqual(d.execute_script("return window.innerWidth"), 390, "zoomed out to fit something wider")
        self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth - window.innerWidth"), 0)
        for device in d.find_elements(By.CSS_SELECTOR, ".device"):
            self.assertLessEqual(d.execute_script("return arguments[0].getBoundingClientRect().right", device), 390)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
