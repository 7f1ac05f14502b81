#!/usr/bin/python3
"""micdoctor demo: runs check, fix, test and undo on a private PulseAudio of
its own, and leaves nothing behind: no server process, no temporary files,
also when stopped with Ctrl-C. Usage: test_demo.py PATH/TO/micdoctor"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

MICDOCTOR = None


def demo_servers(tmpdir):
    """Processes whose command line names the demo's temporary directory."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if tmpdir.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


class Demo(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        # A machine with no sound server of its own: the demo must not need one.
        self.env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "XDG_RUNTIME_DIR")}
        self.env.update(TMPDIR=self.tmp.name, LC_ALL="C.UTF-8")

    def tearDown(self):
        self.tmp.cleanup()

    def test_the_whole_product_then_nothing_left(self):
        p = subprocess.run([MICDOCTOR, "demo"], env=self.env, capture_output=True, text=True, timeout=180)
        self.assertEqual(p.returncode, 0, p.stderr)
        out = p.stdout
        for step in ("1. The setup", "2. micdoctor check", "3. micdoctor fix --yes", "4. micdoctor test",
                     "5. micdoctor undo", "6. micdoctor check"):
            self.assertIn(step, out)
        self.assertIn("The microphone is muted", out)
        self.assertIn("3 of 3 fixes applied", out)
        self.assertIn("There is a mains hum (50 Hz)", out)
        self.assertIn("put back to muted", out)
        self.assertEqual(os.listdir(self.tmp.name), [])
        self.assertEqual(demo_servers(self.tmp.name), [])

    def test_ctrl_c_stops_it_and_cleans_up(self):
        # Early (while it checks) and in the middle of the microphone test,
        # whose own Ctrl-C handling must not swallow the demo's.
        for marker in ("2. micdoctor check", "4. micdoctor test"):
            with self.subTest(interrupted_at=marker):
                p = subprocess.Popen([MICDOCTOR, "demo"], env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                seen = ""
                deadline = time.monotonic() + 60
                while marker not in seen and time.monotonic() < deadline:
                    line = p.stdout.readline()
                    if not line:
                        break
                    seen += line
                self.assertIn(marker, seen)
                self.assertTrue(demo_servers(self.tmp.name), "the demo's server is not running")
                time.sleep(0.5)
                p.send_signal(signal.SIGINT)
                out, err = p.communicate(timeout=15)
                self.assertEqual(p.returncode, 130, err)
                self.assertIn("demo stopped", err)
                self.assertNotIn("6. micdoctor check", seen + out)
                self.assertEqual(demo_servers(self.tmp.name), [])
                self.assertEqual(os.listdir(self.tmp.name), [])

    def test_options_are_refused(self):
        p = subprocess.run([MICDOCTOR, "demo", "--now"], env=self.env, capture_output=True, text=True, timeout=10)
        self.assertEqual(p.returncode, 2)
        self.assertIn("demo takes no options", p.stderr)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
