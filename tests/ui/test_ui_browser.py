#!/usr/bin/python3
"""micdoctor ui in headless Chromium, against a private PulseAudio with a
muted microphone whose name is hostile markup: the page lists the findings;
its Fix button unmutes the microphone and Undo mutes it again (read back with
pactl); the level meter moves while speech is fed and stays at silence when
nothing is; the name shows as text and runs nothing; no sideways scroll at
390 px. Screenshots at 1280 and 390 px go to MICDOCTOR_SCREENSHOTS.
Usage: test_ui_browser.py PATH/TO/micdoctor"""
import json
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
from soundserver import PulseAudioServer, wait_until  # noqa: E402
from test_html_report import browser  # noqa: E402

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

MICDOCTOR = None
HOSTILE = "<img src=x onerror=window.pwned=1><script>window.pwned=2</script>"
SPEECH = "/usr/share/sounds/alsa/Front_Center.wav"
SCREENSHOTS = os.environ.get("MICDOCTOR_SCREENSHOTS", os.path.join(tempfile.gettempdir(), "micdoctor-screenshots"))
MIC = "evilmic"
SILENCE_DBFS = -90.0

# Every data-level value the page shows from now on, in window.levels.
RECORD_LEVELS = """
window.levels = [];
const meter = document.querySelector('[data-level]');
new MutationObserver(() => window.levels.push(Number(meter.dataset.level)))
  .observe(meter, {attributes: true, attributeFilter: ['data-level']});
"""


class Page(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.makedirs(SCREENSHOTS, exist_ok=True)
        cls.server = s = PulseAudioServer()
        try:
            # The demo's first fault: the microphone in use is muted.
            s.load_module("module-null-sink", f"sink_name=feed_{MIC}", "rate=48000")
            s.load_module("module-remap-source", f"source_name={MIC}", f"master=feed_{MIC}.monitor", "rate=48000",
                          f"source_properties='device.description=\"{HOSTILE}\" device.bus=usb "
                          "device.form_factor=headset'")
            wait_until(lambda: MIC in s.source_names(), 5, "the microphone")
            s.set_default_source(MIC)
            s.pactl("set-source-mute", MIC, "1")
            cls.ui = subprocess.Popen([MICDOCTOR, "ui", "--no-browser"], env=s.env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
            ready, _, _ = select.select([cls.ui.stdout], [], [], 20)
            if not ready:
                raise RuntimeError("micdoctor ui printed no URL")
            cls.url = cls.ui.stdout.readline().strip()
            if not cls.url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"micdoctor ui printed {cls.url!r}: {cls.ui.stderr.read()}")
            cls.base = cls.url.split("/?")[0]
            cls.driver = browser(1280, 900)
            cls.driver.get(cls.url)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "driver", None):
            cls.driver.quit()
        ui = getattr(cls, "ui", None)
        if ui is not None and ui.poll() is None:
            ui.send_signal(signal.SIGINT)
            try:
                ui.wait(10)
            except subprocess.TimeoutExpired:
                ui.kill()
                ui.wait()
        cls.server.stop()

    def wait(self, condition, timeout=15):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))

    def finding_ids(self):
        return [e.get_attribute("data-id") for e in self.driver.find_elements(By.CSS_SELECTOR, "[data-id]")]

    def muted(self):
        return self.server.source_field(MIC, "Mute")

    def shoot(self, name, width):
        d = self.driver
        d.set_window_size(width, 900)
        height = d.execute_script("return document.documentElement.scrollHeight")
        d.set_window_size(width, min(int(height) + 150, 16000))
        d.save_screenshot(os.path.join(SCREENSHOTS, f"ui-{name}-{width}.png"))
        d.set_window_size(1280, 900)

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
        self.shoot("findings", 1280)

    def test_2_a_hostile_name_is_text_and_runs_nothing(self):
        d = self.driver
        self.wait(lambda d: HOSTILE in d.find_element(By.ID, "microphone").text)
        self.assertIsNone(d.execute_script("return window.pwned === undefined ? null : window.pwned"))
        # The only image is the page's own icon, the only script its own file.
        self.assertEqual([e.get_attribute("src") for e in d.find_elements(By.TAG_NAME, "img")], [self.base + "/icon.svg"])
        self.assertEqual([e.get_attribute("src") for e in d.find_elements(By.TAG_NAME, "script")],
                         [self.base + "/app.js"])

    def test_3_no_sideways_scroll_at_390_px(self):
        d = self.driver
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        try:
            d.set_window_size(390, 844)
            self.assertLessEqual(d.execute_script("return window.innerWidth"), 390)
            self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth - window.innerWidth"), 0)
            height = d.execute_script("return document.documentElement.scrollHeight")
            d.set_window_size(390, min(int(height) + 150, 16000))
            d.save_screenshot(os.path.join(SCREENSHOTS, "ui-findings-390.png"))
            self.assertLessEqual(d.execute_script("return document.documentElement.scrollWidth - window.innerWidth"), 0)
        finally:
            d.set_window_size(1280, 900)

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
        self.shoot("fixed", 1280)
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
        d = self.driver
        d.execute_script(RECORD_LEVELS)
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
        # The verdict replaces "Listening" when the test ends (at most its 5 s and the analysis).
        self.wait(lambda d: "Listening" not in d.find_element(By.ID, "test-result").text, 30)
        return d.execute_script("return window.levels")

    def test_5_the_level_stays_at_silence_when_nothing_is_fed(self):
        # A change made elsewhere shows on the open page by itself.
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'))
        self.server.pactl("set-source-mute", MIC, "0")
        self.wait(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-id="device.muted"]'), 10)
        levels = self.run_test_on_page()
        self.assertTrue(levels, "the meter was updated")
        self.assertLessEqual(max(levels), SILENCE_DBFS, levels)

    def test_6_the_level_moves_while_speech_is_fed(self):
        s = self.server
        s.pactl("set-source-mute", MIC, "0")
        feed = subprocess.Popen(["sh", "-c", f"while :; do paplay -d feed_{MIC} {SPEECH} || exit; done"], env=s.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.addCleanup(lambda: (os.killpg(feed.pid, signal.SIGKILL), feed.wait()))
        wait_until(lambda: "paplay" in s.pactl("list", "sink-inputs"), 5, "the speech feed")
        levels = self.run_test_on_page(check_one_at_a_time=True)
        loud = [v for v in levels if v > SILENCE_DBFS]
        self.assertTrue(loud, levels)
        self.assertGreater(len(set(loud)), 1, levels)  # it moves with the voice
        # The verdict comes with the report's pictures of what it heard.
        d = self.driver
        pictures = self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#test-result figure img"))
        self.assertGreaterEqual(len(pictures), 2)
        d.execute_script("document.querySelector('#test-result details').open = true")
        self.wait(lambda d: all(d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", p)
                                for p in pictures))
        self.assertTrue(d.find_element(By.CSS_SELECTOR, "#test-result .verdict").text)
        self.shoot("tested", 1280)
        self.shoot("tested", 390)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
