#!/usr/bin/python3
"""The watch page (micdoctor watch --format html) in a real browser: a
fixture call (tests/report/watch_html_sample.cpp) whose app, card, device and
details are named with HTML and script is loaded in headless Chromium
through chromedriver. The tests check that nothing runs or appears from the
names (no alert, no injected element, the names shown as text), that every
marker sits where its elapsed time says on the rendered chart and labels of
the same second do not overlap, the shaded spans, the findings' data-id and
their details on demand by keyboard, no sideways scroll at 390 px, and that
nothing is fetched. Screenshots go to MICDOCTOR_SCREENSHOTS.
Usage: test_watch_html.py PATH/TO/micdoctor_watch_html_sample"""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browser_checks import (HOSTILE, SCREENSHOTS, assert_fits_phone_width, assert_nothing_injected, browser,
                            phone_browser)

SAMPLE = None


def rect(driver, element):
    return driver.execute_script("const r = arguments[0].getBoundingClientRect();"
                                 "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
                                 " width: r.width, height: r.height};", element)


class WatchPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-watch-html-")
        os.makedirs(SCREENSHOTS, exist_ok=True)
        cls.path = os.path.join(cls.dir, "watch.html")
        subprocess.run([SAMPLE, cls.path, HOSTILE], check=True, timeout=30)
        with open(cls.path, encoding="utf-8") as f:
            cls.raw = f.read()
        cls.driver = browser(1200, 900, log_network=True)
        cls.driver.get("file://" + cls.path)
        height = cls.driver.execute_script("return document.documentElement.scrollHeight")
        cls.driver.set_window_size(1200, min(int(height) + 150, 16000))
        cls.driver.save_screenshot(os.path.join(SCREENSHOTS, "watch.png"))

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_names_show_as_text_and_nothing_runs(self):
        d = self.driver
        assert_nothing_injected(self, d, self.raw, tags=("script", "img", "iframe", "link", "object", "embed", "b"))
        # The names are there, as the text they are.
        rows = d.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
        self.assertIn(HOSTILE, " ".join(r.get_attribute("textContent") for r in rows))
        titles = [e.get_attribute("textContent") for e in d.find_elements(By.CSS_SELECTOR, "li.finding .title")]
        self.assertIn("The call app " + HOSTILE + " keeps changing your microphone's volume", titles)
        self.assertIn(HOSTILE, d.find_element(By.CSS_SELECTOR, "p.subtitle").text)
        marker_titles = [t.get_attribute("textContent") for t in d.find_elements(By.CSS_SELECTOR, "g.marker > title")]
        self.assertTrue(any(HOSTILE in t for t in marker_titles))

    def test_structure_for_screen_readers(self):
        d = self.driver
        self.assertEqual(d.find_element(By.TAG_NAME, "html").get_attribute("lang"), "en")
        self.assertEqual(len(d.find_elements(By.TAG_NAME, "h1")), 1)
        levels = [int(h.tag_name[1]) for h in d.find_elements(By.CSS_SELECTOR, "h1,h2,h3,h4,h5,h6")]
        for a, b in zip(levels, levels[1:]):
            self.assertLessEqual(b, a + 1, levels)
        chart = d.find_element(By.CSS_SELECTOR, "svg[data-chart=level]")
        self.assertEqual(chart.get_attribute("role"), "img")
        title = chart.find_element(By.TAG_NAME, "title")
        self.assertEqual(chart.get_attribute("aria-labelledby"), title.get_attribute("id"))
        self.assertIn("events marked", title.get_attribute("textContent"))
        headers = d.find_elements(By.CSS_SELECTOR, "table.events thead th")
        self.assertEqual([h.get_attribute("scope") for h in headers], ["col", "col"])
        # What went wrong comes before the picture, the picture before the list.
        order = d.execute_script(
            "const f = document.getElementById('findings'), c = document.querySelector('[data-chart=level]'),"
            " e = document.querySelector('table.events');"
            "return [f.compareDocumentPosition(c) & 4, c.compareDocumentPosition(e) & 4];")
        self.assertEqual(order, [4, 4])

    def test_findings_have_ids_and_details_open_by_keyboard(self):
        d = self.driver
        findings = d.find_elements(By.CSS_SELECTOR, "#findings li.finding")
        self.assertEqual([f.get_attribute("data-id") for f in findings],
                         ["app.agc_fighting", "signal.went_silent", "app.moved_during_call"])
        silent = findings[1]
        details = silent.find_element(By.TAG_NAME, "details")
        evidence = details.find_element(By.TAG_NAME, "p")
        self.assertFalse(evidence.is_displayed(), "the evidence is on demand")
        self.assertIn("Check the headset", silent.text, "what to do is shown at once")
        summary = details.find_element(By.TAG_NAME, "summary")
        summary.send_keys(Keys.ENTER)
        self.assertTrue(details.get_attribute("open") is not None)
        self.assertTrue(evidence.is_displayed())
        self.assertIn("for 20 s", evidence.text)
        summary.send_keys(Keys.ENTER)
        self.assertIsNone(details.get_attribute("open"))

    def test_markers_sit_where_their_time_says(self):
        d = self.driver
        chart = d.find_element(By.CSS_SELECTOR, "svg[data-chart=level]")
        duration = float(chart.get_attribute("data-duration"))
        self.assertEqual(duration, 240.0)
        plot = rect(d, chart.find_element(By.CSS_SELECTOR, "rect.plot-area"))
        markers = chart.find_elements(By.CSS_SELECTOR, "g.marker")
        self.assertEqual(len(markers), 15)  # every event but the start and the end
        for m in markers:
            elapsed = float(m.get_attribute("data-elapsed"))
            line = rect(d, m.find_element(By.TAG_NAME, "line"))
            expected = plot["left"] + elapsed / duration * plot["width"]
            self.assertAlmostEqual((line["left"] + line["right"]) / 2, expected, delta=1.0,
                                   msg=f"{m.get_attribute('data-kind')} at {elapsed} s")
            self.assertLessEqual(line["top"], plot["top"] + 1)
            self.assertGreaterEqual(line["bottom"], plot["bottom"] - 1)
        # The table has the same events (and the start and end), in time order.
        rows = d.find_elements(By.CSS_SELECTOR, "table.events tbody tr")
        row_events = [(r.get_attribute("data-kind"), float(r.get_attribute("data-elapsed"))) for r in rows]
        marker_events = [(m.get_attribute("data-kind"), float(m.get_attribute("data-elapsed"))) for m in markers]
        self.assertEqual(row_events[1:-1], marker_events)
        self.assertEqual([k for k, _ in (row_events[0], row_events[-1])], ["watch.started", "watch.ended"])
        self.assertEqual([e for _, e in row_events], sorted(e for _, e in row_events))

    def test_labels_of_the_same_second_do_not_overlap(self):
        d = self.driver
        labels = []
        for m in d.find_elements(By.CSS_SELECTOR, "svg[data-chart=level] g.marker"):
            if 61 <= float(m.get_attribute("data-elapsed")) < 62:
                text = m.find_elements(By.TAG_NAME, "text")
                self.assertEqual(len(text), 1, "every marker of that second has its label")
                labels.append(rect(d, text[0]))
        self.assertEqual(len(labels), 5)
        for i, a in enumerate(labels):
            for b in labels[i + 1:]:
                overlap = (min(a["right"], b["right"]) > max(a["left"], b["left"]) and
                           min(a["bottom"], b["bottom"]) > max(a["top"], b["top"]))
                self.assertFalse(overlap, (a, b))

    def test_silence_and_clipping_are_shaded_over_their_spans(self):
        d = self.driver
        chart = d.find_element(By.CSS_SELECTOR, "svg[data-chart=level]")
        plot = rect(d, chart.find_element(By.CSS_SELECTOR, "rect.plot-area"))

        def x(seconds):
            return plot["left"] + seconds / 240.0 * plot["width"]

        silences = [rect(d, r) for r in chart.find_elements(By.CSS_SELECTOR, "rect.silence")]
        self.assertEqual(len(silences), 1)
        self.assertAlmostEqual(silences[0]["left"], x(100), delta=1.0)
        self.assertAlmostEqual(silences[0]["right"], x(120), delta=1.0)
        clips = [rect(d, r) for r in chart.find_elements(By.CSS_SELECTOR, "rect.clipping")]
        self.assertEqual(len(clips), 2)
        self.assertAlmostEqual(clips[0]["left"], x(148), delta=1.0)
        self.assertAlmostEqual(clips[1]["right"], x(180), delta=1.0)
        # The level is drawn: a line for the RMS and one for the peaks.
        self.assertEqual(len(chart.find_elements(By.CSS_SELECTOR, "path.rms")), 1)
        self.assertEqual(len(chart.find_elements(By.CSS_SELECTOR, "path.peak")), 1)

    def test_nothing_is_fetched(self):
        d = self.driver
        self.assertEqual(d.execute_script("return performance.getEntriesByType('resource').length"), 0)
        import json
        requested = []
        for entry in d.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                requested.append(message["params"]["request"]["url"])
        self.assertTrue(all(url == "file://" + self.path for url in requested), requested)
        self.assertIn("Content-Security-Policy", self.raw)
        self.assertNotIn("url(", self.raw)

    def test_phone_width_has_no_sideways_scroll(self):
        phone = phone_browser()
        try:
            phone.get("file://" + self.path)
            phone.save_screenshot(os.path.join(SCREENSHOTS, "watch-phone.png"))
            chart = phone.find_element(By.CSS_SELECTOR, "svg[data-chart=level]")
            assert_fits_phone_width(self, phone, [chart])
            # What the chart still writes on a phone is big enough to read (about 8 px and more);
            # the markers' labels give way to the table below.
            texts = phone.execute_script(
                "return [...arguments[0].querySelectorAll('text')].filter(t => getComputedStyle(t).display !== 'none')"
                ".map(t => [t.textContent, t.getBoundingClientRect().height]);", chart)
            self.assertTrue(texts)
            for text, height in texts:
                self.assertGreaterEqual(height, 8.5, text)
            table = phone.find_element(By.CSS_SELECTOR, "table.events")
            self.assertLessEqual(phone.execute_script("return arguments[0].scrollWidth - arguments[0].clientWidth", table), 0)
        finally:
            phone.quit()

if __name__ == "__main__":
    SAMPLE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
