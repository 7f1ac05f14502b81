#!/usr/bin/python3
"""micdoctor ui in headless Chromium, against a private PulseAudio with a
muted microphone whose name is hostile markup: the page lists the findings;
its Fix button unmutes the microphone and Undo mutes it again (read back with
pactl); the level meter moves while speech is fed and stays at silence when
nothing is; the name shows as text and runs nothing; a phone's width needs no
sideways scroll. While a test listens to a hum (which never gives an early
verdict) a second test is refused with 409, and SIGTERM ends micdoctor ui
at once, the test stopped and its thread joined. Screenshots at 1280 and
390 px go to MICDOCTOR_SCREENSHOTS.
Usage: test_ui_browser.py PATH/TO/micdoctor"""
import json
import math
import os
import random
import re
import select
import signal
import struct
import subprocess
import sys
import time
import unittest
import urllib.request
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
from browser_checks import (HOSTILE as BROWSER_HOSTILE, SCREENSHOTS, PHONE_HEIGHT,  # noqa: E402
                            assert_fits_phone_width, assert_nothing_injected, browser, phone_browser)
from soundserver import PulseAudioServer, wait_until  # noqa: E402
from uiprocess import UiProcess  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

MICDOCTOR = None
# A PulseAudio module argument cannot carry quotes: the shared hostile name without them.
HOSTILE = BROWSER_HOSTILE.replace('"', "").replace("'", "")
SPEECH = "/usr/share/sounds/alsa/Front_Center.wav"
MIC = "evilmic"
SILENCE_DBFS = -90.0
SIGTERM_WITHIN_S = 2.5

# Every data-level value the page shows from now on, in window.levels.
RECORD_LEVELS = """
window.levels = [];
const meter = document.querySelector('[data-level]');
new MutationObserver(() => window.levels.push(Number(meter.dataset.level)))
  .observe(meter, {attributes: true, attributeFilter: ['data-level']});
"""

# Every "test" event from now on, in window.testEvents, from an event stream
# of its own (the first is the last test, as for any page that connects);
# calls back once that stream is open.
RECORD_TEST_EVENTS = """
const done = arguments[arguments.length - 1];
window.testEvents = [];
if (window.testStream) window.testStream.close();
window.testStream = new EventSource('/events');
window.testStream.addEventListener('test', (e) => window.testEvents.push(JSON.parse(e.data)));
window.testStream.addEventListener('open', () => done(true));
"""


def test_ended(events):
    """The test event that ended the test started after recording began, or None."""
    started = next((i for i, e in enumerate(events) if e["phase"] == "listening"), None)
    if started is None:
        return None
    return next((e for e in events[started + 1:] if e["phase"] in ("done", "failed")), None)


def write_hum(path, seconds=10, rate=48000):
    """Mains hum with its harmonics over hiss: the test can never be sure of it early."""
    noise = random.Random(16)
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = bytearray()
        for n in range(seconds * rate):
            t = n / rate
            value = 0.25 * math.sin(2 * math.pi * 50 * t) + 0.1 * math.sin(2 * math.pi * 150 * t) + \
                0.02 * noise.uniform(-1, 1)
            frames += struct.pack("<h", int(value * 32767))
        w.writeframes(bytes(frames))


class ServerEvents:
    """A GET /events stream read as it comes: each (event, data) in order."""

    def __init__(self, ui):
        self.socket, _, received = ui.open_event_stream()
        self.buffer = received.replace(b"\r\n", b"\n")
        self.seen = []

    def until(self, condition, timeout=15):
        """Reads events until condition(event, data) holds for one of them; returns its data."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\n\n" in self.buffer:
                block, self.buffer = self.buffer.split(b"\n\n", 1)
                fields = dict(line.split(": ", 1) for line in block.decode().split("\n")
                              if ": " in line and not line.startswith(":"))
                if "event" not in fields:
                    continue
                event = (fields["event"], json.loads(fields.get("data", "null")))
                self.seen.append(event)
                if condition(*event):
                    return event[1]
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self.socket], [], [], remaining)[0]:
                raise TimeoutError(f"no such event within {timeout} s; saw {self.seen[-5:]}")
            chunk = self.socket.recv(65536)
            if not chunk:
                raise EOFError(f"the event stream closed; saw {self.seen[-5:]}")
            self.buffer += chunk.replace(b"\r\n", b"\n")

    def close(self):
        self.socket.close()


def feed_in_a_loop(server, path):
    """paplay of `path` into the microphone's feed, again and again, in a process group of its own."""
    return subprocess.Popen(["sh", "-c", f"while :; do paplay -d feed_{MIC} {path} || exit; done"], env=server.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        cls.server = s = PulseAudioServer()
        try:
            # The demo's first fault: the microphone in use is muted.
            s.add_microphone(MIC, HOSTILE)
            s.set_default_source(MIC)
            s.pactl("set-source-mute", MIC, "1")
            cls.ui = UiProcess([MICDOCTOR], s.env)
            cls.base = cls.ui.origin
            cls.driver = browser(1280, 900)
            cls.driver.get(cls.ui.url)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "driver", None):
            cls.driver.quit()
        ui = getattr(cls, "ui", None)
        if ui is not None:
            stop_gently(ui)
        cls.server.stop()

    def wait(self, condition, timeout=15, driver=None):
        return WebDriverWait(driver or self.driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))

    def finding_ids(self):
        return [e.get_attribute("data-id") for e in self.driver.find_elements(By.CSS_SELECTOR, "[data-id]")]

    def muted(self):
        return self.server.source_field(MIC, "Mute")

    def shoot(self, name):
        d = self.driver
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(1280, min(int(height) + 150, 16000))
        d.save_screenshot(os.path.join(SCREENSHOTS, f"ui-{name}-1280.png"))
        d.set_window_size(1280, 900)

    def on_a_phone(self, name, ready):
        """The page on a phone's screen once ready(driver) holds: it fits, and its screenshot."""
        phone = phone_browser()
        try:
            phone.get(self.ui.url)
            self.wait(ready, driver=phone)
            buttons = phone.find_elements(By.CSS_SELECTOR, "button")
            assert_fits_phone_width(self, phone, [b for b in buttons if b.is_displayed()])
            height = phone.execute_script("return document.documentElement.scrollHeight")
            phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                  {"width": 390, "height": max(PHONE_HEIGHT, min(int(height), 16000)),
                                   "deviceScaleFactor": 1, "mobile": True})
            assert_fits_phone_width(self, phone)
            phone.save_screenshot(os.path.join(SCREENSHOTS, f"ui-{name}-390.png"))
        finally:
            phone.quit()

    def test_1_lists_the_findings_in_walk_through_order(self):
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        check = subprocess.run([MICDOCTOR, "check", "--format", "json"], env=self.server.env, capture_output=True,
                               text=True, timeout=30)
        expected = [f["id"] for f in json.loads(check.stdout)["findings"]]
        shown = self.finding_ids()
        self.assertEqual(sorted(shown), sorted(expected))
        problems = [e.get_attribute("data-id") for e in self.driver.find_elements(By.CSS_SELECTOR, "#problems [data-id]")]
        self.assertEqual(problems, [i for i in expected if i in problems])  # walk-through order
        muted = self.driver.find_element(By.CSS_SELECTOR, '[data-id="device.muted"]')
        self.assertTrue(muted.find_elements(By.CSS_SELECTOR, 'button[data-fix="source.unmute"]'))
        self.assertIn("muted", self.driver.find_element(By.ID, "verdict").text.lower())
        self.shoot("findings")

    def test_2_a_hostile_name_is_text_and_runs_nothing(self):
        d = self.driver
        self.wait(lambda d: HOSTILE in d.find_element(By.ID, "microphone").text)
        # The page's own icon and script are its only image and script.
        assert_nothing_injected(self, d, tags=("iframe", "b"))
        self.assertEqual([e.get_attribute("src") for e in d.find_elements(By.TAG_NAME, "img")], [self.base + "/icon.svg"])
        self.assertEqual([e.get_attribute("src") for e in d.find_elements(By.TAG_NAME, "script")],
                         [self.base + "/app.js"])

    def test_3_a_phone_needs_no_sideways_scroll_and_the_meter_stays_quiet_for_screen_readers(self):
        self.on_a_phone("findings", lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        # The meter changes ten times a second: not a live region; the verdict is one.
        meter = self.driver.find_element(By.CSS_SELECTOR, "[data-level]")
        self.assertEqual(meter.get_attribute("aria-live"), "off")
        self.assertEqual(self.driver.find_element(By.ID, "verdict").get_attribute("aria-live"), "polite")
        self.assertEqual(self.driver.find_element(By.ID, "test-result").get_attribute("aria-live"), "polite")

    def test_4_fix_unmutes_and_undo_mutes_again(self):
        d = self.driver
        self.assertEqual(self.muted(), "yes")
        button = self.wait(lambda d: d.find_element(By.CSS_SELECTOR, '[data-id="device.muted"] [data-fix="source.unmute"]'))
        button.click()
        wait_until(lambda: self.muted() == "no", 15, "the fix to unmute the microphone")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        self.wait(lambda d: "done" in d.find_element(By.ID, "fix-result").text)
        undo = self.wait(lambda d: d.find_element(By.CSS_SELECTOR, '[data-action="undo"]'))
        self.wait(lambda d: undo.is_enabled())
        self.shoot("fixed")
        undo.click()
        wait_until(lambda: self.muted() == "yes", 15, "undo to mute the microphone again")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        self.wait(lambda d: "put back" in d.find_element(By.ID, "fix-result").text)
        # The reports to save, as the links fetch them.
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies())
        for path, marker in (("/report.html", "<!doctype html>"), ("/report.md", "`device.muted`")):
            with urllib.request.urlopen(urllib.request.Request(self.base + path, headers={"Cookie": cookie}),
                                        timeout=30) as r:
                self.assertTrue(r.headers["Content-Disposition"].startswith("attachment"), path)
                body = r.read().decode()
            if path.endswith(".html"):
                self.assertIn(marker, body.lower())
                self.assertNotIn("<script>window.pwned", body)  # the report escapes the name
            else:
                self.assertIn(marker, body)
                self.assertIsNone(re.search(r"(?<!\\)<", body), body)  # every "<" escaped for Markdown
        # A change route does not answer a GET.
        d.get(self.base + "/api/fix")
        self.assertIn("only answers POST", d.find_element(By.TAG_NAME, "body").text)
        d.get(self.base + "/")
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))

    def run_test_on_page(self, check_one_at_a_time=False):
        """Presses the test button; returns the levels the page showed and the test event that ended it."""
        d = self.driver
        d.execute_script(RECORD_LEVELS)
        d.execute_async_script(RECORD_TEST_EVENTS)
        start = self.wait(lambda d: d.find_element(By.CSS_SELECTOR, '[data-action="test"]'))
        self.wait(lambda d: start.is_enabled())
        start.click()
        self.wait(lambda d: "Listening" in d.find_element(By.ID, "test-result").text, 10)
        # One test at a time: another start, a fix or an undo meanwhile is refused with words.
        # (Checked while speech is fed: the test of silence may end within a second.)
        answers = [] if not check_one_at_a_time else d.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const ask = (path, body) => fetch(path, {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                     body: body}).then(async r => [r.status, (await r.json()).error]);
            Promise.all([ask('/api/test'), ask('/api/fix', '{"fix":"source.unmute"}'), ask('/api/undo')]).then(done);
        """)
        if check_one_at_a_time:
            self.assertEqual(len(answers), 3)
        for status, words in answers:
            self.assertEqual(status, 409, answers)
            self.assertIn("test is still listening", words)
        # The test's end as the server announced it (at most its 5 s and the analysis), then on the page.
        ended = self.wait(lambda d: test_ended(d.execute_script("return window.testEvents")), 30)
        self.wait(lambda d: "Listening" not in d.find_element(By.ID, "test-result").text)
        return d.execute_script("return window.levels"), ended

    def test_5_the_level_stays_at_silence_when_nothing_is_fed(self):
        # A change made elsewhere shows on the open page by itself (the 2 s reading).
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        self.server.pactl("set-source-mute", MIC, "0")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'), 10)
        levels, ended = self.run_test_on_page()
        self.assertEqual(ended["phase"], "done", ended)
        self.assertTrue(levels, "the meter was updated")
        self.assertLessEqual(max(levels), SILENCE_DBFS, levels)

    def test_6_the_level_moves_while_speech_is_fed(self):
        s = self.server
        s.pactl("set-source-mute", MIC, "0")
        feed = feed_in_a_loop(s, SPEECH)
        self.addCleanup(lambda: (os.killpg(feed.pid, signal.SIGKILL), feed.wait()))
        wait_until(lambda: "paplay" in s.pactl("list", "sink-inputs"), 5, "the speech feed")
        levels, ended = self.run_test_on_page(check_one_at_a_time=True)
        self.assertEqual(ended["phase"], "done", ended)
        loud = [v for v in levels if v > SILENCE_DBFS]
        self.assertTrue(loud, levels)
        self.assertGreater(len(set(loud)), 1, levels)  # it moves with the voice
        # The verdict comes with the report's pictures of what it heard.
        d = self.driver
        self.assertEqual(len(ended["pictures"]), len(d.find_elements(By.CSS_SELECTOR, "#test-result figure img")))
        pictures = self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#test-result figure img"))
        self.assertGreaterEqual(len(pictures), 2)
        d.execute_script("document.querySelector('#test-result details').open = true")
        self.wait(lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", p)
                                for p in pictures))
        self.assertEqual(d.find_element(By.CSS_SELECTOR, "#test-result .verdict").text, ended["verdict"])
        self.shoot("tested")
        self.on_a_phone("tested", lambda d: d.find_elements(By.CSS_SELECTOR, "#test-result .verdict"))

    def test_7_sigterm_while_the_test_listens_stops_it_and_exits_at_once(self):
        # A micdoctor ui of its own: this one is ended here.
        s = self.server
        s.pactl("set-source-mute", MIC, "0")
        hum = os.path.join(s.dir, "hum.wav")
        write_hum(hum)
        feed = feed_in_a_loop(s, hum)
        self.addCleanup(lambda: (os.killpg(feed.pid, signal.SIGKILL), feed.wait()))
        wait_until(lambda: "paplay" in s.pactl("list", "sink-inputs"), 5, "the hum feed")
        ui = UiProcess([MICDOCTOR], s.env)
        self.addCleanup(ui.stop)
        ui.sign_in()
        events = ServerEvents(ui)
        self.addCleanup(events.close)
        events.until(lambda event, _: event == "state")
        json_post = {"Content-Type": "application/json"}
        status, _, body = ui.request("POST", "/api/test", headers=json_post, origin=ui.origin)
        self.assertEqual(status, 202, body)
        started = time.monotonic()
        events.until(lambda event, data: event == "test" and data["phase"] == "listening")
        # The capture loop runs: it hears the hum.
        events.until(lambda event, data: event == "level" and data["dbfs"] > SILENCE_DBFS)
        status, _, body = ui.request("POST", "/api/test", headers=json_post, origin=ui.origin)
        self.assertEqual(status, 409, body)
        self.assertIn("test is still listening", json.loads(body)["error"])
        status, _, body = ui.request("GET", "/api/state")
        self.assertEqual(json.loads(body)["busy"], "test")
        self.assertFalse(any(e == "test" and d["phase"] != "listening" for e, d in events.seen), events.seen)  # still on
        ui.process.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        ui.process.wait(timeout=SIGTERM_WITHIN_S + 5)
        took = time.monotonic() - asked
        print(f"\n  micdoctor ui ended {took:.2f} s after SIGTERM", file=sys.stderr)
        self.assertLessEqual(took, SIGTERM_WITHIN_S, "micdoctor ui took too long to end after SIGTERM")
        # A hum is never certain early: 5 s of it would have been awaited, had the test not been stopped.
        self.assertLess(time.monotonic() - started, 4.0)
        stderr = ui.process.stderr.read().decode()
        self.assertEqual(ui.process.returncode, 0, stderr)  # not std::terminate on an abandoned thread
        self.assertIn("stopped.", stderr)


def stop_gently(ui):
    """Ctrl-C as a person would, then whatever is left killed."""
    if ui.process.poll() is None:
        ui.process.send_signal(signal.SIGINT)
        try:
            ui.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
    ui.stop()


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
