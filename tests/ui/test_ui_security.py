#!/usr/bin/python3
"""micdoctor ui's server as an attacker and as the page see it, against a
private PulseAudio with a muted microphone: nothing passes without the
secret, a foreign Host or Origin is refused before anything runs, a refused
or GET change leaves the microphone muted, the socket is on loopback only,
every response carries the security headers and no CORS, bodies are
bounded, and the process ends by itself (idle timers, SIGINT, SIGTERM).
Usage: test_ui_security.py PATH/TO/micdoctor"""
import http.server
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
sys.path.insert(0, HERE)
from soundserver import PulseAudioServer, wait_until  # noqa: E402
from uiprocess import UiProcess, read_first_line  # noqa: E402

MICDOCTOR = None
MIC = "ui_mic"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
MAX_BODY = 64 * 1024  # kMaxRequestBody
FIX = json.dumps({"fix": "source.unmute"})  # the fix of device.muted (src/checks/check_catalog.cpp)


def read_line(fd, timeout=30):
    """One line from a file descriptor (a pty's controller), with a deadline."""
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError(f"no line within {timeout} s (so far {line!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            raise EOFError(f"closed after {line!r}")
        line += chunk
    return line.decode().rstrip("\r\n")


class EvilSite:
    """Another web page on this machine (another port of 127.0.0.1) whose
    form POSTs the fix's JSON to micdoctor as soon as it loads."""

    def __init__(self, target_port):
        page = (f'<!doctype html><form method="post" enctype="text/plain" '
                f'action="http://127.0.0.1:{target_port}/api/fix">'
                '<input name=\'{"fix":"source.unmute","x":"\' value=\'"}\'></form>'
                "<script>document.forms[0].submit()</script>").encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class UiSecurity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PulseAudioServer()
        cls.server.add_microphone(MIC, "USB Microphone")
        cls.server.set_default_source(MIC)
        cls.server.pactl("set-source-mute", MIC, "1")
        wait_until(lambda: cls.muted(), 5, "microphone muted")
        cls.ui = UiProcess([MICDOCTOR], cls.server.env)

    @classmethod
    def tearDownClass(cls):
        cls.ui.stop()
        cls.server.stop()

    @classmethod
    def muted(cls):
        return cls.server.source_field(MIC, "Mute") == "yes"

    def env(self, **extra):
        env = dict(self.server.env)
        env.update(extra)
        return env

    def signed_in(self):
        if not self.ui.cookie:
            self.ui.sign_in()
        return self.ui

    def assert_security_headers(self, headers, what):
        self.assertEqual(headers.get("content-security-policy"), [CSP], what)
        self.assertEqual(headers.get("x-content-type-options"), ["nosniff"], what)
        self.assertEqual(headers.get("referrer-policy"), ["no-referrer"], what)
        self.assertEqual(headers.get("cache-control"), ["no-store"], what)
        self.assertEqual([h for h in headers if h.startswith("access-control-")], [], what)

    # -- the secret ------------------------------------------------------------
    def test_no_secret_is_refused(self):
        for path in ("/", "/api/state", "/events", "/report.html", "/app.js"):
            status, headers, body = self.ui.request("GET", path, cookie=False)
            self.assertEqual(status, 403, path)
            self.assertIn(b"link micdoctor printed", body)
            self.assertNotIn("set-cookie", headers)

    def test_a_wrong_secret_is_refused(self):
        wrong = "0" * 64 if self.ui.key != "0" * 64 else "1" * 64
        for path in (f"/?key={wrong}", "/?key=", f"/?key={self.ui.key[:-1]}", f"/?key={self.ui.key}x"):
            status, headers, _ = self.ui.request("GET", path, cookie=False)
            self.assertEqual(status, 403, path)
            self.assertNotIn("set-cookie", headers, path)
        for cookie in (f"micdoctor-{self.ui.port}={self.ui.key}", f"micdoctor-{self.ui.port}=x",
                       f"micdoctor-{self.ui.port + 1}={self.ui.key}"):
            self.assertEqual(self.ui.request("GET", "/", cookie=cookie)[0], 403, cookie)

    def test_the_key_sets_the_cookie_and_redirects_without_it(self):
        status, headers, _ = self.ui.request("GET", f"/?key={self.ui.key}", cookie=False)
        self.assertEqual(status, 303)
        self.assertEqual(headers["location"], ["/"])
        cookie = headers["set-cookie"][0]
        attributes = [a.strip() for a in cookie.split(";")]
        self.assertTrue(attributes[0].startswith(f"micdoctor-{self.ui.port}="), cookie)
        self.assertNotIn(self.ui.key, cookie)  # the cookie is a second secret, not the URL's
        self.assertIn("HttpOnly", attributes)
        self.assertIn("SameSite=Strict", attributes)
        self.assertIn("Path=/", attributes)
        self.assert_security_headers(headers, "the redirect")
        status, headers, body = self.ui.request("GET", "/", cookie=attributes[0])
        self.assertEqual(status, 200)
        self.assertIn(b"<html", body)
        self.assert_security_headers(headers, "the page")

    # -- Host and Origin -----------------------------------------------------------
    def test_a_foreign_host_is_refused_even_with_the_cookie(self):
        ui = self.signed_in()
        for host in (f"evil.example:{ui.port}", "evil.example", f"127.0.0.1:{ui.port + 1}",
                     f"127.0.0.1.evil.example:{ui.port}"):
            status, headers, _ = ui.request("GET", "/api/state", host=host)
            self.assertEqual(status, 403, host)
            self.assert_security_headers(headers, host)
            status, headers, _ = ui.request("GET", f"/?key={ui.key}", host=host, cookie=False)
            self.assertEqual(status, 403, host)
            self.assertNotIn("set-cookie", headers, host)
        self.assertEqual(ui.request("GET", "/", host=f"localhost:{ui.port}")[0], 200)

    def test_a_cross_origin_post_changes_nothing(self):
        ui = self.signed_in()
        self.assertTrue(self.muted())
        attempts = [
            {"origin": "http://evil.example"},
            {"origin": "null"},
            {"origin": f"http://127.0.0.1:{ui.port + 1}"},
            {"origin": None},  # no Origin: not from a browser's page
            {"origin": f"http://127.0.0.1:{ui.port}", "headers": {"Sec-Fetch-Site": "cross-site"}},
            {"origin": "http://evil.example", "host": f"evil.example:{ui.port}"},
        ]
        for attempt in attempts:
            for path in ("/api/fix", "/api/undo", "/api/test"):
                status, headers, _ = ui.request("POST", path, body=FIX, origin=attempt.get("origin"),
                                                host=attempt.get("host"),
                                                headers={"Content-Type": "application/json",
                                                         **attempt.get("headers", {})})
                self.assertEqual(status, 403, (path, attempt))
                self.assertNotIn("access-control-allow-origin", headers)
        self.assertTrue(self.muted(), "a refused POST unmuted the microphone")

    def test_a_get_on_a_change_route_changes_nothing(self):
        ui = self.signed_in()
        for path in ("/api/fix", '/api/fix?fix=source.unmute', "/api/undo"):
            status, _, _ = ui.request("GET", path)
            self.assertNotEqual(status // 100, 2, path)
        self.assertTrue(self.muted(), "a GET unmuted the microphone")

    def test_only_get_head_and_post(self):
        ui = self.signed_in()
        for method in ("PUT", "DELETE", "OPTIONS", "PATCH"):
            status, headers, _ = ui.request(method, "/api/fix", origin=ui.origin,
                                            headers={"Access-Control-Request-Method": "POST"})
            self.assertEqual(status, 405, method)
            self.assert_security_headers(headers, method)
        status, headers, body = ui.request("HEAD", "/")
        self.assertEqual((status, body), (200, b""))
        self.assertGreater(int(headers["content-length"][0]), 0)

    # -- the socket, the headers, the limits ------------------------------------------
    def test_the_socket_listens_on_loopback_only(self):
        inodes = set()
        for fd in os.listdir(f"/proc/{self.ui.process.pid}/fd"):
            try:
                link = os.readlink(f"/proc/{self.ui.process.pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for line in f.readlines()[1:]:
                    fields = line.split()
                    if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                        listening.append((table, fields[1]))
        self.assertEqual(listening, [("/proc/net/tcp", f"0100007F:{self.ui.port:04X}")])
        # Not reachable on this machine's other addresses (if it has one).
        try:
            other = socket.gethostbyname(socket.gethostname())
        except OSError:
            other = None
        if other and not other.startswith("127."):
            with self.assertRaises(OSError):
                socket.create_connection((other, self.ui.port), timeout=2).close()

    def test_every_answer_has_the_security_headers_and_no_cors(self):
        ui = self.signed_in()
        answers = {
            "403": ui.request("GET", "/", cookie=False, origin="http://evil.example"),
            "200": ui.request("GET", "/", origin=ui.origin),
            "app 404": ui.request("GET", "/no-such-page", origin=ui.origin),
            "405": ui.request("OPTIONS", "/", origin="http://evil.example",
                              headers={"Access-Control-Request-Method": "POST"}),
        }
        for what, (_, headers, _) in answers.items():
            self.assert_security_headers(headers, what)

    def test_bodies_and_headers_are_bounded(self):
        ui = self.signed_in()
        head = (f"POST /api/fix HTTP/1.1\r\nHost: {ui.host}\r\nCookie: {ui.cookie}\r\nOrigin: {ui.origin}\r\n"
                "Content-Type: application/json\r\n")
        answer = ui.raw((head + f"Content-Length: {MAX_BODY + 1}\r\n\r\n").encode() + b"{" * 1000)
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:200])
        chunked = (head + "Transfer-Encoding: chunked\r\n\r\n").encode()
        chunk = b"{" * 16384
        for _ in range(MAX_BODY // len(chunk) + 1):
            chunked += b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        answer = ui.raw(chunked + b"0\r\n\r\n")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:200])
        answer = ui.raw(f"GET / HTTP/1.1\r\nHost: {ui.host}\r\nX-Big: {'a' * 20000}\r\n\r\n".encode())
        self.assertTrue(answer.startswith(b"HTTP/1.1 431 "), answer[:200])
        self.assertTrue(self.muted())
        # A body at the limit is read and handed on (the placeholder or the application answers).
        status, _, _ = ui.request("POST", "/no-such-route", body="x" * MAX_BODY, origin=ui.origin)
        self.assertNotIn(status, (403, 413))

    def test_the_events_stream_needs_the_secret(self):
        answer = self.ui.raw(f"GET /events HTTP/1.1\r\nHost: {self.ui.host}\r\n\r\n".encode())
        self.assertTrue(answer.startswith(b"HTTP/1.1 403 "), answer[:200])

    def test_a_real_browser_trades_the_key_for_an_httponly_cookie_and_refuses_another_pages_post(self):
        sys.path.insert(0, os.path.join(HERE, "..", "report"))
        from test_html_report import browser  # noqa: E402
        from selenium.webdriver.support.ui import WebDriverWait
        driver = browser()
        evil = EvilSite(self.ui.port)
        try:
            driver.get(self.ui.url)
            WebDriverWait(driver, 30).until(lambda d: d.current_url == f"{self.ui.origin}/")
            self.assertNotIn("link micdoctor printed", driver.page_source)
            self.assertEqual(driver.execute_script("return document.cookie"), "")  # HttpOnly
            # A page on another port of 127.0.0.1 is the same site, so the
            # browser sends the SameSite=Strict cookie with its form's POST:
            # the Origin check is what refuses it.
            driver.get(evil.url)
            WebDriverWait(driver, 30).until(lambda d: d.current_url.startswith(f"{self.ui.origin}/api/fix"))
            self.assertIn("refuses requests from other web pages", driver.page_source)
            self.assertTrue(self.muted(), "another page's form unmuted the microphone")
        finally:
            driver.quit()
            evil.stop()

    # -- the fix itself (the application) -------------------------------------------------
    def test_zz_the_pages_own_post_unmutes(self):
        """The positive control: the same POST with the cookie and the page's
        Origin goes through (so the refusals above are the guard's doing)."""
        ui = self.signed_in()
        status, _, _ = ui.request("GET", "/api/state")
        self.assertEqual(status, 200)
        self.assertTrue(self.muted())
        status, _, body = ui.request("POST", "/api/fix", body=FIX, origin=ui.origin,
                                     headers={"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(status, 200, body)
        wait_until(lambda: not self.muted(), 10, "the microphone unmuted by the page's POST")

    # -- lifetime --------------------------------------------------------------------------
    def test_it_exits_after_the_last_page_closed(self):
        ui = UiProcess([MICDOCTOR], self.env(MICDOCTOR_UI_TEST_LIFETIME_MS="1000,60000"))
        try:
            ui.sign_in()
            stream, head = ui.open_events()
            self.assertTrue(head.startswith("HTTP/1.1 200 "), head)
            self.assertIn("text/event-stream", head)
            self.assertIn(f"Content-Security-Policy: {CSP}", head)
            # Longer than the idle timer: an open page keeps it alive.
            with self.assertRaises(subprocess.TimeoutExpired, msg="it exited while a page was open"):
                ui.process.wait(timeout=2)
            stream.close()
            closed = time.monotonic()
            self.assertEqual(ui.process.wait(timeout=15), 0)
            self.assertLess(time.monotonic() - closed, 10)
        finally:
            ui.stop()

    def test_it_exits_when_no_page_ever_came(self):
        ui = UiProcess([MICDOCTOR], self.env(MICDOCTOR_UI_TEST_LIFETIME_MS="60000,1000"))
        try:
            self.assertEqual(ui.process.wait(timeout=15), 0)
        finally:
            ui.stop()

    def test_a_signal_right_after_the_link_still_ends_it_cleanly(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            p = subprocess.Popen([MICDOCTOR, "ui", "--no-browser"], env=self.server.env, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
            try:
                read_first_line(p)
                p.send_signal(sig)
                self.assertEqual(p.wait(timeout=15), 0, sig)
            finally:
                if p.poll() is None:
                    p.kill()
                p.wait()
                p.stdout.close()

    def test_it_exits_on_sigint_and_sigterm(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            ui = UiProcess([MICDOCTOR], self.server.env)
            try:
                ui.sign_in()
                stream, _ = ui.open_events()
                ui.process.send_signal(sig)
                self.assertEqual(ui.process.wait(timeout=15), 0, sig)
                stream.close()
            finally:
                ui.stop()

    # -- the command line ------------------------------------------------------------------------
    def test_a_taken_port_is_a_mistake(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        try:
            p = subprocess.run([MICDOCTOR, "ui", "--no-browser", "--port", str(port)], env=self.server.env,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(p.stdout, "")
            self.assertIn(f"port {port}", p.stderr)
            self.assertIn("already in use", p.stderr)
        finally:
            taken.close()
        for mistake in (["--port", "abc"], ["--port", "70000"], ["--port", "-1"], ["--bogus"]):
            p = subprocess.run([MICDOCTOR, "ui", "--no-browser", *mistake], env=self.server.env,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, mistake)
            self.assertEqual(p.stdout, "", mistake)

    def test_it_opens_the_browser_without_waiting_for_it(self):
        """Without --no-browser: xdg-open (here a stand-in on PATH that
        records its arguments and then blocks like a browser) gets a file://
        link to a redirect page of mode 0600, never the URL with its secret
        (command lines are public); micdoctor neither waits for it nor leaves
        a zombie behind, and removes the page when it exits."""
        runtime = tempfile.mkdtemp(prefix="micdoctor-runtime-", dir=self.server.dir)  # 0700
        shared_runtime = tempfile.mkdtemp(prefix="micdoctor-shared-runtime-", dir=self.server.dir)
        os.chmod(shared_runtime, 0o755)
        temp = tempfile.mkdtemp(prefix="micdoctor-tmp-", dir=self.server.dir)
        # XDG_RUNTIME_DIR when it is private; else a new directory of mode 0700 under TMPDIR.
        for runtime_dir, page_dir_parent in ((runtime, None), (shared_runtime, temp), (None, temp)):
            with self.subTest(XDG_RUNTIME_DIR=runtime_dir):
                url, page, stderr = self._open_with_stand_in_browser(runtime_dir, temp)
                if page_dir_parent is None:
                    self.assertEqual(os.path.dirname(page), runtime)
                else:
                    self.assertEqual(os.path.dirname(os.path.dirname(page)), page_dir_parent)
                    self.assertFalse(os.path.exists(os.path.dirname(page)), "its directory stayed")
                self.assertFalse(os.path.exists(page), "the redirect page stayed after micdoctor exited")
                self.assertIn("opening your browser", stderr)
                self.assertIn("It stops 30 seconds after you close the page, or after 10 minutes if no page "
                              "is opened", stderr)
        self.assertEqual(os.listdir(shared_runtime), [])
        self.assertEqual(os.listdir(temp), [])

    def _open_with_stand_in_browser(self, runtime_dir, temp):
        """Runs micdoctor ui with the stand-in xdg-open; checks what it was
        handed while micdoctor runs; (the URL, the page's path, micdoctor's stderr)."""
        bin_dir = tempfile.mkdtemp(prefix="micdoctor-xdg-", dir=self.server.dir)
        opened = os.path.join(bin_dir, "opened")
        with open(os.path.join(bin_dir, "xdg-open"), "w") as f:
            f.write(f'#!/bin/sh\nprintf "%s\\n" "$@" > {opened}.tmp\nmv {opened}.tmp {opened}\nexec sleep 30\n')
        os.chmod(os.path.join(bin_dir, "xdg-open"), 0o755)
        env = self.env(PATH=bin_dir + os.pathsep + os.environ["PATH"], DISPLAY=":99", TMPDIR=temp)
        env.pop("XDG_RUNTIME_DIR", None)
        if runtime_dir:
            env["XDG_RUNTIME_DIR"] = runtime_dir
        p = subprocess.Popen([MICDOCTOR, "ui"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             stdin=subprocess.DEVNULL)
        try:
            url = read_first_line(p)
            wait_until(lambda: os.path.exists(opened), 10, "xdg-open started")
            with open(opened) as f:
                arguments = f.read().splitlines()
            self.assertEqual(len(arguments), 1, arguments)
            self.assertTrue(arguments[0].startswith("file:///"), arguments)
            self.assertNotIn(url.split("key=")[1], arguments[0])
            page = urllib.parse.unquote(urllib.parse.urlparse(arguments[0]).path)
            self.assertEqual(os.stat(page).st_mode & 0o7777, 0o600)
            with open(page) as f:
                text = f.read()
            self.assertIn(f'<meta http-equiv="refresh" content="0; url={url}">', text)
            self.assertIn(f'<a href="{url}">', text)
            self.assertNotIn("<script", text)
            self.assertIsNone(p.poll())
            # The browser stand-in still runs, yet micdoctor has no child left (reaped, not waited for).
            with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
                self.assertEqual(f.read().split(), [])
            # It writes `opened` before it execs sleep: on a busy machine the exec may come a moment later.
            wait_until(lambda: any(self._runs(pid, "sleep") for pid in os.listdir("/proc")
                                   if pid.isdigit() and self._opened_by(pid, opened)),
                       10, "the stand-in browser still running")
        finally:
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=15), 0)
            stderr = p.stderr.read().decode()
            p.stdout.close()
            p.stderr.close()
            for pid in os.listdir("/proc"):
                if pid.isdigit() and self._opened_by(pid, opened):
                    os.kill(int(pid), signal.SIGKILL)
        return url, page, stderr

    @staticmethod
    def _runs(pid, program):
        try:
            return os.path.basename(os.readlink(f"/proc/{pid}/exe")) == program
        except OSError:  # it ended meanwhile
            return False

    @staticmethod
    def _opened_by(pid, opened):
        """Whether process pid is the stand-in browser of this test (its environment names our PATH)."""
        try:
            with open(f"/proc/{pid}/environ", "rb") as f:
                return os.path.dirname(opened).encode() in f.read()
        except OSError:
            return False

    def no_graphical_session(self, **extra):
        env = self.env(**extra)
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def test_without_a_graphical_session_it_says_on_the_terminal_to_open_the_link(self):
        """Its output on a terminal (a pty): the person reads the link. The
        lifetimes it states are the real ones (here shortened)."""
        env = self.no_graphical_session(MICDOCTOR_UI_TEST_LIFETIME_MS="60000,2000")
        controller, terminal = pty.openpty()
        try:
            p = subprocess.Popen([MICDOCTOR, "ui"], env=env, stdout=terminal, stderr=subprocess.PIPE,
                                 stdin=subprocess.DEVNULL)
            os.close(terminal)
            terminal = None
            url = read_line(controller)
            # No page comes: it exits by itself after the 2 s it announced.
            self.assertEqual(p.wait(timeout=30), 0)
            stderr = p.stderr.read().decode()
            p.stderr.close()
        finally:
            os.close(controller)
            if terminal is not None:
                os.close(terminal)
        self.assertRegex(url, r"^http://127\.0\.0\.1:\d+/\?key=[0-9a-f]{64}$")
        self.assertIn("could not start a browser (no graphical session", stderr)
        self.assertIn(f"open this link in your browser: {url}", stderr)
        self.assertIn("It stops 1 minute after you close the page, or after 2 seconds if no page is opened", stderr)

    def test_without_a_browser_or_a_terminal_it_does_not_serve_to_nobody(self):
        """Started from a desktop entry or a script (stdout not a terminal)
        and no browser: nobody can read the link, so it exits 2 at once."""
        p = subprocess.run([MICDOCTOR, "ui"], env=self.no_graphical_session(), capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertIn("could not start a browser (no graphical session", p.stderr)
        self.assertIn("standard output is not a terminal", p.stderr)
        self.assertIn("--no-browser", p.stderr)
        # ui --help promises exactly this.
        help_text = subprocess.run([MICDOCTOR, "ui", "--help"], capture_output=True, text=True, timeout=30).stdout
        self.assertIn("2 could not start", help_text)
        self.assertIn("no browser could be opened while the output is not a terminal", " ".join(help_text.split()))

    def test_an_exact_port(self):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        p = subprocess.Popen([MICDOCTOR, "ui", "--no-browser", "--port", str(port)], env=self.server.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        try:
            self.assertTrue(read_first_line(p).startswith(f"http://127.0.0.1:{port}/?key="))
        finally:
            p.kill()
            p.wait()
            p.stdout.close()
            p.stderr.close()


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
