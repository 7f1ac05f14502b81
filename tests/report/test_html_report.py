#!/usr/bin/python3
"""The HTML report and the Markdown summary, checked in a real browser:
reports made from real-server scenarios (a private PulseAudio with a virtual
microphone fed clipped speech, and a muted one named with HTML and script)
and from recordings (hum, narrowband, clipping, a hostile file name) are
loaded in headless Chromium through chromedriver; the tests read the DOM
(verdict, a marker per finding, the SVG pictures and their marks, headings,
alt text), check a phone-width viewport does not scroll sideways, that no
script runs, and save screenshots. Usage: test_html_report.py PATH/TO/micdoctor"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
from soundserver import PulseAudioServer  # noqa: E402
from test_mic_test import make_content  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402

from browser_checks import SCREENSHOTS, assert_fits_phone_width, browser, phone_browser  # noqa: E402

MICDOCTOR = None
HOSTILE = "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>"


class Reports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-html-")
        os.makedirs(SCREENSHOTS, exist_ok=True)
        cls.content = make_content(cls.dir)
        cls.server = PulseAudioServer()
        cls.driver = browser()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def micdoctor(self, *args, expect=(0, 1)):
        p = subprocess.run([MICDOCTOR, *args], env=self.server.env, capture_output=True, text=True, timeout=60)
        self.assertIn(p.returncode, expect, p.stderr)
        return p

    def load(self, path, shot):
        self.driver.set_window_size(1200, 900)
        self.driver.get("file://" + path)
        # The whole page in one screenshot.
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(1200, min(int(height) + 150, 16000))
        self.driver.save_screenshot(os.path.join(SCREENSHOTS, shot + ".png"))
        return self.driver

    def common_structure(self, d):
        """One h1, a language, headings in order, alt text on every picture, nothing executed."""
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        self.assertEqual(len(d.find_elements(By.TAG_NAME, "h1")), 1)
        levels = [int(h.tag_name[1]) for h in d.find_elements(By.CSS_SELECTOR, "h1,h2,h3,h4,h5,h6")]
        self.assertEqual(levels[0], 1)
        for a, b in zip(levels, levels[1:]):
            self.assertLessEqual(b, a + 1, levels)
        for svg in d.find_elements(By.TAG_NAME, "svg"):
            self.assertEqual(svg.get_attribute("role"), "img")
            title = svg.find_element(By.TAG_NAME, "title")
            self.assertEqual(svg.get_attribute("aria-labelledby"), title.get_attribute("id"))
            self.assertTrue(title.get_attribute("textContent").strip())
        self.assertEqual(d.find_elements(By.TAG_NAME, "script"), [])
        self.assertIsNone(d.execute_script("return window.pwned === undefined ? null : window.pwned"))
        # Nothing is fetched: no external reference anywhere.
        for element, attribute in (("link", "href"), ("img", "src"), ("iframe", "src")):
            self.assertEqual(d.find_elements(By.TAG_NAME, element), [], element)

    def phone_width_fits(self, path, shot):
        phone = phone_browser()
        try:
            phone.get("file://" + path)
            phone.save_screenshot(os.path.join(SCREENSHOTS, shot + "-phone.png"))
            assert_fits_phone_width(self, phone)
        finally:
            phone.quit()

    # -- check --test on a real server -------------------------------------
    def test_check_with_a_test_of_clipped_speech(self):
        s = self.server
        modules = s.add_microphone("clipmic", "USB Headset Microphone")
        self.addCleanup(s.unload, modules)
        s.set_default_source("clipmic")
        player = subprocess.Popen(["paplay", "--latency-msec=20", "-d", "feed_clipmic", self.content["clipped"]],
                                  env=s.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (player.kill(), player.wait()))
        time.sleep(0.3)
        path = os.path.join(self.dir, "clipped.html")
        self.micdoctor("check", "--test", "3", "--format", "html", "--output", path)
        report = json.loads(self.micdoctor("check", "--format", "json").stdout)
        d = self.load(path, "check-clipped")
        self.common_structure(d)
        verdict = d.find_element(By.ID, "verdict").text
        self.assertIn("clipping", verdict.lower())
        markers = {e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "#steps li.finding")}
        self.assertIn("signal.clipping", markers)
        for f in report["findings"]:
            self.assertIn(f["id"], markers)
        wave = d.find_element(By.CSS_SELECTOR, "svg.waveform")
        self.assertTrue(wave.find_elements(By.CSS_SELECTOR, "path.wave"))
        self.assertTrue(wave.find_elements(By.CSS_SELECTOR, "path.clip"), "clipped spans are marked")
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "svg.level polyline.level"))
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "svg.level line.speech"))
        self.assertTrue(d.find_elements(By.CSS_SELECTOR, "svg.spectrum path.spectrum"))
        devices = d.find_element(By.CSS_SELECTOR, "table.devices").text
        self.assertIn("USB Headset Microphone", devices)
        self.phone_width_fits(path, "check-clipped")

    def test_hostile_device_name_shows_as_text(self):
        s = self.server
        feed = s.load_module("module-null-sink", "sink_name=feed_evil")
        desc = HOSTILE
        remap = s.load_module("module-remap-source", "source_name=evilmic", "master=feed_evil.monitor",
                              f"source_properties='device.description=\"{desc}\" device.bus=usb'")
        self.addCleanup(s.unload, [remap, feed])
        time.sleep(0.3)
        s.set_default_source("evilmic")
        s.pactl("set-source-mute", "evilmic", "1")
        path = os.path.join(self.dir, "evil.html")
        self.micdoctor("check", "--format", "html", "--output", path)
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        self.assertNotIn("<script>", raw)
        self.assertNotIn("<img", raw)
        d = self.load(path, "check-hostile-name")
        self.common_structure(d)
        self.assertIn(desc, d.find_element(By.CSS_SELECTOR, "table.devices").text)
        self.assertIn("muted", d.find_element(By.ID, "verdict").text)
        self.assertEqual([e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "li.finding")],
                         ["device.muted"])
        md = self.micdoctor("check", "--format", "markdown").stdout
        self.assertLessEqual(len(md.splitlines()), 40)
        self.assertIn("`device.muted`", md)
        # Every "<" is escaped, so none starts a tag; a ">" alone is text.
        self.assertIsNone(re.search(r"(?<!\\)<", md), md)
        self.assertIn("\\<script>", md)
        # The text people paste reads as written: no backslash before a dot or a parenthesis.
        self.assertIn("pulseaudio 16.1", md)
        self.assertNotIn("\\.", md)
        self.assertNotIn("\\(", md)

    def test_check_with_a_test_lists_each_finding_once(self):
        s = self.server
        modules = s.add_microphone("hummic", "USB Headset Microphone")
        self.addCleanup(s.unload, modules)
        s.set_default_source("hummic")
        player = subprocess.Popen(["paplay", "--latency-msec=20", "-d", "feed_hummic", self.content["hum"]],
                                  env=s.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (player.kill(), player.wait()))
        time.sleep(0.3)
        path = os.path.join(self.dir, "hum.html")
        self.micdoctor("check", "--test", "3", "--format", "html", "--output", path)
        d = self.load(path, "check-hum")
        self.common_structure(d)
        everywhere = [e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "li.finding")]
        self.assertIn("signal.hum", everywhere)
        self.assertEqual(sorted(everywhere), sorted(set(everywhere)), "a finding shown twice")
        # The recording's section keeps its numbers and pictures.
        recording = d.find_element(By.ID, "recording")
        self.assertIn("50 Hz", recording.find_element(By.CSS_SELECTOR, "table.metrics").text)
        self.assertTrue(recording.find_elements(By.CSS_SELECTOR, "svg.spectrum line.hum"))

    # -- analyze -----------------------------------------------------------
    def test_recordings_with_hum_narrowband_and_a_hostile_name(self):
        hostile_file = os.path.join(self.dir, "<script>alert(1)<\\script>.wav")
        shutil.copy(self.content["clipped"], hostile_file)
        files = [self.content["hum"], self.content["narrowband"], hostile_file]
        path = os.path.join(self.dir, "recordings.html")
        self.micdoctor("analyze", *files, "--format", "html", "--output", path)
        d = self.load(path, "analyze")
        self.common_structure(d)
        sections = d.find_elements(By.CSS_SELECTOR, "section.recording")
        self.assertEqual(len(sections), 3)
        self.assertEqual(sections[2].find_element(By.TAG_NAME, "h2").text, hostile_file)
        hum = sections[0]
        self.assertIn("signal.hum", [e.get_attribute("data-id") for e in hum.find_elements(By.CSS_SELECTOR, "li.finding")])
        self.assertGreaterEqual(len(hum.find_elements(By.CSS_SELECTOR, "svg.spectrum line.hum")), 3)
        self.assertIn("50 Hz", hum.find_element(By.CSS_SELECTOR, "svg.spectrum").text)
        narrow = sections[1]
        self.assertTrue(narrow.find_elements(By.CSS_SELECTOR, "svg.spectrum line.band-edge"))
        self.assertIn("kHz", narrow.find_element(By.CSS_SELECTOR, "svg.spectrum .band-edge + text").text)
        clipped = sections[2]
        self.assertTrue(clipped.find_elements(By.CSS_SELECTOR, "svg.waveform path.clip"))
        self.phone_width_fits(path, "analyze")
        md = self.micdoctor("analyze", self.content["hum"], "--format", "markdown").stdout
        self.assertIn("`signal.hum`", md)
        self.assertLessEqual(len(md.splitlines()), 40)

    def test_dropouts_are_marked(self):
        gappy = os.path.join(self.dir, "gappy.wav")
        subprocess.run(["sox", self.content["clean"], gappy, "trim", "0", "4"], check=True)
        # Two 60 ms gaps of exact zeros inside the speech.
        with_gaps = os.path.join(self.dir, "gaps.wav")
        subprocess.run(["sox", gappy, with_gaps], check=True)
        import wave
        with wave.open(with_gaps, "rb") as w:
            params = w.getparams()
            frames = bytearray(w.readframes(params.nframes))
        width = params.sampwidth * params.nchannels
        import struct
        samples = struct.unpack(f"<{len(frames) // 2}h", bytes(frames))
        for start in (1.0, 2.5):
            # Inside the speech: from the first loud sample after `start`.
            i = int(start * params.framerate) * params.nchannels
            while abs(samples[i]) < 3000:
                i += 1
            a = (i // params.nchannels) * width
            frames[a:a + int(0.06 * params.framerate) * width] = bytes(int(0.06 * params.framerate) * width)
        with wave.open(with_gaps, "wb") as w:
            w.setparams(params)
            w.writeframes(bytes(frames))
        path = os.path.join(self.dir, "gaps.html")
        self.micdoctor("analyze", with_gaps, "--format", "html", "--output", path)
        d = self.load(path, "analyze-dropouts")
        self.assertEqual(len(d.find_elements(By.CSS_SELECTOR, "svg.waveform rect.gap")), 2)
        self.assertIn("signal.dropouts", [e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "li.finding")])


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
