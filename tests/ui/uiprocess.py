"""Starting `micdoctor ui --no-browser` and talking HTTP to it exactly as
the tests need (any Host, Origin, Cookie, raw bytes): shared by
tests/ui/test_ui_security.py and tests/windows/test_wine_ui.py."""
import http.client
import os
import re
import select
import socket
import subprocess
import time

URL = re.compile(r"^http://127\.0\.0\.1:(\d+)/\?key=([0-9a-f]{64})$")


def read_first_line(process, timeout=30):
    """The first line of the process's stdout, waited for with a deadline."""
    deadline = time.monotonic() + timeout
    line = b""
    fd = process.stdout.fileno()
    while not line.endswith(b"\n"):
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError(f"no first line within {timeout} s (so far {line!r})")
        chunk = os.read(fd, 1)
        if not chunk:
            raise EOFError(f"stdout closed after {line!r}; exit {process.poll()}")
        line += chunk
    return line.decode().rstrip("\r\n")


class UiProcess:
    """micdoctor ui running: its URL, port, key; HTTP helpers."""

    def __init__(self, argv, env, timeout=30):
        self.process = subprocess.Popen([*argv, "ui", "--no-browser"], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        self.url = read_first_line(self.process, timeout)
        match = URL.match(self.url)
        if not match:
            raise AssertionError(f"first line is not the URL: {self.url!r}")
        self.port = int(match.group(1))
        self.key = match.group(2)
        self.host = f"127.0.0.1:{self.port}"
        self.origin = f"http://127.0.0.1:{self.port}"
        self.cookie = None

    def request(self, method, path, headers=None, body=None, host=None, cookie=True, origin=None):
        """(status, {lower-case header name: [values]}, body bytes); Host,
        Cookie and Origin exactly as given (cookie=True: the one obtained)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = {"Host": host or self.host}
        if cookie is True and self.cookie:
            sent["Cookie"] = self.cookie
        elif isinstance(cookie, str):
            sent["Cookie"] = cookie
        if origin:
            sent["Origin"] = origin
        sent.update(headers or {})
        if body is not None and isinstance(body, str):
            body = body.encode()
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        got = {}
        for name, value in response.getheaders():
            got.setdefault(name.lower(), []).append(value)
        connection.close()
        return response.status, got, data

    def sign_in(self):
        """Trades the URL's key for the cookie, as the browser does."""
        status, headers, _ = self.request("GET", f"/?key={self.key}", cookie=False)
        if status != 303:
            raise AssertionError(f"the key gave {status}")
        self.cookie = headers["set-cookie"][0].split(";")[0]
        return headers

    def raw(self, data, read_timeout=20):
        """Sends bytes as they are; the whole answer until the server closes (or the timeout)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
            except (ConnectionResetError, socket.timeout):
                pass
            return answer

    def open_events(self):
        """GET /events with the cookie: the open socket, after the response's status line and headers."""
        s, head, _ = self.open_event_stream()
        return s, head

    def open_event_stream(self):
        """As open_events, and the bytes of the stream already received with the headers
        (the first events often come in the same packet)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=20)
        s.sendall(f"GET /events HTTP/1.1\r\nHost: {self.host}\r\nCookie: {self.cookie}\r\n"
                  "Accept: text/event-stream\r\n\r\n".encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = s.recv(4096)
            if not chunk:
                raise AssertionError(f"/events closed: {received!r}")
            received += chunk
        head, rest = received.split(b"\r\n\r\n", 1)
        return s, (head + b"\r\n\r\n").decode("latin-1"), rest

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self.process.stdout.close()
        self.process.stderr.close()
