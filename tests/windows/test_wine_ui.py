#!/usr/bin/python3
"""micdoctor.exe ui --no-browser (the mingw-w64 build, Boost.Beast on
Winsock) under Wine, against a private PulseAudio: the first line is the
URL; from the host, nothing without the key, the page with it; the event
stream keeps it alive and its end lets it exit; a taken --port is a mistake
(exclusive use of the port on Windows); headless Chromium on the host loads
the page and lists the findings, with the microphone privacy switch off as
the fault Wine shows.
Usage: test_wine_ui.py PATH/TO/micdoctor.exe"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
sys.path.insert(0, os.path.join(HERE, "..", "ui"))
sys.path.insert(0, os.path.join(HERE, "..", "report"))
from browser_checks import browser  # noqa: E402
from soundserver import PulseAudioServer, wait_until  # noqa: E402
from uiprocess import UiProcess, read_first_line  # noqa: E402
from wineprefix import WinePrefix  # noqa: E402

EXE = None
CONSENT = r"HKCU\Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\microphone"


class WineUi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PulseAudioServer()
        cls.server.add_microphone("winuimic", "USB Microphone")
        cls.server.set_default_source("winuimic")
        cls.server.pactl("set-source-mute", "winuimic", "1")
        cls.wine = WinePrefix(cls.server.dir, cls.server.env).make()
        cls.env = cls.wine.env
        # A fault Wine lets the check see (a muted source is not one): the
        # person's own microphone privacy switch off.
        subprocess.run(["wine", "reg", "add", CONSENT, "/v", "Value", "/t", "REG_SZ", "/d", "Deny", "/f"],
                       env=cls.env, capture_output=True, timeout=60, check=True)

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        cls.server.stop()

    def start(self, **extra):
        ui = UiProcess(["wine", EXE], dict(self.env, **extra), timeout=120)
        self.addCleanup(ui.stop)
        return ui

    def test_the_page_needs_the_key_and_chromium_lists_the_findings(self):
        ui = self.start()
        status, _, body = ui.request("GET", "/", cookie=False)
        self.assertEqual(status, 403)
        self.assertIn(b"link micdoctor printed", body)
        self.assertEqual(ui.request("GET", "/", host=f"evil.example:{ui.port}", cookie=False)[0], 403)
        ui.sign_in()
        status, headers, body = ui.request("GET", "/")
        self.assertEqual(status, 200)
        self.assertIn(b"<html", body)
        self.assertIn("default-src 'none'", headers["content-security-policy"][0])
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait
        driver = browser()
        try:
            # The browser trades the key for the cookie and lands on the page without the key.
            driver.get(ui.url)
            WebDriverWait(driver, 60).until(lambda d: d.current_url == f"{ui.origin}/")
            self.assertNotIn("link micdoctor printed", driver.page_source)
            self.assertEqual(driver.execute_script("return document.cookie"), "")  # HttpOnly
            # Every finding of the walk-through (what Wine lets the check see) is on the page.
            status, _, body = ui.request("GET", "/api/state")
            self.assertEqual(status, 200, body[:500])
            expected = {finding["id"] for finding in json.loads(body)["findings"]}
            self.assertTrue(expected, body[:500])

            def shown(d):
                return {e.get_attribute("data-id") for e in d.find_elements(By.CSS_SELECTOR, "[data-id]")}

            try:
                WebDriverWait(driver, 60).until(lambda d: expected <= shown(d))
            except Exception:
                page = driver.find_element(By.TAG_NAME, "body").text
                logs = driver.get_log("browser") if hasattr(driver, "get_log") else []
                raise AssertionError(f"the page lists {shown(driver)}, not {expected}; it says {page[:1000]!r}; "
                                     f"console {logs}") from None
            self.assertIn("permission.user_denied", expected)
            fixes = {e.get_attribute("data-fix") for e in driver.find_elements(By.CSS_SELECTOR, "[data-fix]")}
            self.assertIn("privacy.allow_user", fixes)
        finally:
            driver.quit()

    def test_the_event_stream_keeps_it_alive_and_its_end_lets_it_exit(self):
        ui = self.start(MICDOCTOR_UI_TEST_LIFETIME_MS="1500,120000")
        ui.sign_in()
        stream, head = ui.open_events()
        self.assertTrue(head.startswith("HTTP/1.1 200 "), head)
        self.assertIn("text/event-stream", head)
        time.sleep(3)  # twice the idle timer: an open page keeps it alive
        self.assertIsNone(ui.process.poll())
        stream.close()
        self.assertEqual(ui.process.wait(timeout=60), 0)

    def test_without_no_browser_it_opens_the_link_through_shellexecute(self):
        """ShellExecuteW under Wine hands an http link to winebrowser, which
        runs the host's xdg-open: here a stand-in on PATH that records it."""
        bin_dir = tempfile.mkdtemp(prefix="micdoctor-xdg-", dir=self.server.dir)
        opened = os.path.join(bin_dir, "opened")
        with open(os.path.join(bin_dir, "xdg-open"), "w") as f:
            f.write(f'#!/bin/sh\nprintf "%s\\n" "$@" > {opened}.tmp\nmv {opened}.tmp {opened}\n')
        os.chmod(os.path.join(bin_dir, "xdg-open"), 0o755)
        env = dict(self.env, PATH=bin_dir + os.pathsep + os.environ["PATH"], DISPLAY=":99")
        p = subprocess.Popen(["wine", EXE, "ui"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        try:
            url = read_first_line(p, 120)
            wait_until(lambda: os.path.exists(opened), 60, "the link handed to xdg-open")
            with open(opened) as f:
                self.assertEqual(f.read().strip(), url)
        finally:
            p.kill()
            p.wait(timeout=30)
            p.stdout.close()
            p.stderr.close()

    def test_a_taken_port_is_a_mistake(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            p = subprocess.run(["wine", EXE, "ui", "--no-browser", "--port", str(port)], env=self.env,
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn("already in use", p.stderr)
        finally:
            taken.close()


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    if shutil.which("wine") is None:
        sys.exit("wine is not installed")
    unittest.main(verbosity=2)
