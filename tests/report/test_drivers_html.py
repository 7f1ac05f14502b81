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

from selenium.webdriver.common.by import By

from browser_checks import HOSTILE, SCREENSHOTS, assert_fits_phone_width, assert_nothing_injected, phone_browser

MICDOCTOR = None
HERE = os.path.dirname(os.path.abspath(__file__))
WINDOWS = os.path.join(HERE, "..", "fixtures", "windows", "privacy_and_disabled.json")


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
        cls.driver = phone_browser()
        cls.driver.get("file://" + cls.path)
        cls.driver.save_screenshot(os.path.join(SCREENSHOTS, "drivers-390.png"))

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_names_show_as_text_and_nothing_runs(self):
        d = self.driver
        assert_nothing_injected(self, d, self.raw)
        headings = [h.get_attribute("textContent") for h in d.find_elements(By.CSS_SELECTOR, ".device h3")]
        self.assertIn(HOSTILE, headings)

    def test_the_facts_are_there(self):
        text = self.driver.find_element(By.TAG_NAME, "main").get_attribute("textContent")
        self.assertIn("6.0.9600.1", text)
        self.assertIn("Optional updates", text)
        self.assertIn("camsvc", text)
        self.assertIn("Jabra EVOLVE 20 MS", text)

    def test_no_sideways_scroll_at_390_px(self):
        assert_fits_phone_width(self, self.driver, self.driver.find_elements(By.CSS_SELECTOR, ".device"))


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
