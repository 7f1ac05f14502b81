#!/usr/bin/python3
"""End-to-end tests of `micdoctor drivers` on this machine (no sound hardware:
it says so, not an error) and on recorded snapshots (--snapshot): every
format, the schema, the exit-status contract, option mistakes (exit 2 with a
clear message, before anything is read), hostile names escaped.
Usage: test_drivers_cli.py PATH/TO/micdoctor"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

MICDOCTOR = None
FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "snapshots")
# laptop_usb_headset_healthy.json with its USB headset as a Jabra Evolve2 65 and
# fwupd's answer for it (instance id as fwupdmgr get-devices shows it), an LVFS upgrade.
JABRA = os.path.join(FIXTURES, "drivers_jabra_firmware_update.json")


def run(*args, timeout=120):
    return subprocess.run([MICDOCTOR, "drivers", *args], capture_output=True, timeout=timeout)


def problems(report):
    return [f for f in report["findings"] if f["severity"] in ("warning", "error")]


def has_sound_hardware():
    return os.path.isdir("/sys/class/sound") and any(n.startswith("card") for n in os.listdir("/sys/class/sound"))


class Drivers(unittest.TestCase):
    def test_this_machine_text(self):
        p = run()
        self.assertIn(p.returncode, (0, 1), p.stderr)
        out = p.stdout.decode()
        self.assertTrue(out.startswith("micdoctor drivers: Linux"), out)
        self.assertIn("Where updates come from:", out)
        if not has_sound_hardware():
            self.assertIn("No sound hardware was found: ", out)

    def test_this_machine_json_and_exit_status(self):
        p = run("--format", "json")
        report = json.loads(p.stdout)
        self.assertEqual(report["schema"], "micdoctor.drivers/1")
        self.assertEqual(report["platform"], "linux")
        self.assertEqual(report["origin"], "live")
        # 1 exactly when check's findings about drivers hold a warning or an error.
        self.assertEqual(p.returncode, 1 if problems(report) else 0, p.stderr)
        self.assertTrue(any(s["name"] == "fwupd" for s in report["sources"]))
        for source in report["sources"]:
            if not source["ok"]:
                self.assertTrue(source["detail"], source)  # an unusable source is explained
        if not has_sound_hardware():
            self.assertEqual(report["devices"], [])
            self.assertTrue(report["no_sound_hardware"])
            self.assertEqual(p.returncode, 0, "no sound hardware is not an error")

    def test_snapshot_in_every_format(self):
        p = run("--snapshot", JABRA, "--format", "json")
        report = json.loads(p.stdout)
        self.assertEqual(p.returncode, 1 if problems(report) else 0, p.stderr)
        self.assertEqual(report["origin"], "snapshot")
        self.assertEqual(report["kernel_release"], "6.1.0-13-amd64")
        jabra = [d for d in report["devices"] if "Jabra" in d["name"]]
        self.assertEqual(len(jabra), 1)
        self.assertEqual(jabra[0]["driver"]["name"], "snd_usb_audio")
        self.assertEqual(jabra[0]["firmware"]["version"], "1.8.1")
        self.assertEqual([u["version"] for u in jabra[0]["updates"]], ["1.12.5"])
        self.assertFalse(any("UEFI" in d["name"] for d in report["devices"]))
        text = run("--snapshot", JABRA).stdout.decode()
        self.assertIn("Update: firmware 1.12.5 from LVFS", text)
        html = run("--snapshot", JABRA, "--format", "html").stdout.decode()
        self.assertTrue(html.startswith("<!DOCTYPE html>"))
        self.assertIn("Content-Security-Policy", html)
        self.assertIn("Jabra Evolve2 65", html)
        md = run("--snapshot", JABRA, "--format", "markdown").stdout.decode()
        self.assertIn("| device | where | driver | firmware | update |", md)
        self.assertIn("1.12.5", md)

    def test_findings_are_what_check_says_about_drivers(self):
        dump = os.path.join(FIXTURES, "..", "alsa-info", "acer-swift-skl-topology-missing-0.4.64.txt")
        with tempfile.TemporaryDirectory() as d:
            saved_dump = os.path.join(d, "dump-check.json")
            subprocess.run([MICDOCTOR, "check", "--alsa-info", dump, "--format", "json", "--output", saved_dump],
                           capture_output=True, timeout=60)
            for snapshot in (JABRA, saved_dump):
                with self.subTest(snapshot=os.path.basename(snapshot)):
                    check = json.loads(subprocess.run([MICDOCTOR, "check", "--snapshot", snapshot, "--format", "json"],
                                                      capture_output=True, timeout=60).stdout)
                    expected = [(f["id"], f["severity"]) for f in check["findings"] if f["step"] == 4 or
                                f["id"] in ("service.audio_stopped", "service.camsvc_disabled")]
                    p = run("--snapshot", snapshot, "--format", "json")
                    report = json.loads(p.stdout)
                    self.assertEqual([(f["id"], f["severity"]) for f in report["findings"]], expected)
                    self.assertTrue(expected)
                    self.assertEqual(p.returncode, 1 if problems(report) else 0)

    def test_output_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "drivers.html")
            p = run("--snapshot", JABRA, "--format", "html", "--output", path)
            self.assertIn(p.returncode, (0, 1), p.stderr)
            self.assertEqual(p.stdout, b"")
            with open(path, encoding="utf-8") as f:
                self.assertIn("Jabra Evolve2 65", f.read())
            p = run("--output", os.path.join(d, "missing", "x.txt"))
            self.assertEqual(p.returncode, 2)
            self.assertIn(b"--output", p.stderr)

    def test_hostile_names_from_a_snapshot(self):
        with open(JABRA, encoding="utf-8") as f:
            snapshot = json.load(f)
        snapshot["kernel"]["cards"][1]["long_name"] = "<script>alert(1)</script> \x1b[2J | *x* |"
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "hostile.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(snapshot, f)
            text = run("--snapshot", path).stdout
            self.assertNotIn(b"\x1b", text)
            self.assertIn(b"\\x1B[2J", text)
            html = run("--snapshot", path, "--format", "html").stdout
            self.assertNotIn(b"<script>", html)
            self.assertNotIn(b"\x1b", html)
            md = run("--snapshot", path, "--format", "markdown").stdout
            self.assertIn(b"\\| \\*x\\* \\|", md)
            self.assertEqual(json.loads(run("--snapshot", path, "--format", "json").stdout)["devices"][1]["name"],
                             "<script>alert(1)</script> \x1b[2J | *x* |")

    def test_devices_that_could_not_be_listed_are_not_no_hardware(self):
        # Windows with its audio services stopped: the MMDevice API fails, so the
        # capture endpoints could not be listed; that is not "no sound hardware".
        stopped = os.path.join(FIXTURES, "..", "windows", "audio_services_stopped.json")
        report = json.loads(run("--snapshot", stopped, "--format", "json").stdout)
        self.assertIsNone(report["no_sound_hardware"])
        self.assertNotIn(b"No sound hardware", run("--snapshot", stopped).stdout)
        # The same failure with no service finding to explain it: the verdict says why.
        with open(stopped, encoding="utf-8") as f:
            snapshot = json.load(f)
        for service in snapshot["services"]:
            service["state"], service["start_type"] = "running", "automatic"
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "unlisted.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(snapshot, f)
            verdict = json.loads(run("--snapshot", path, "--format", "json").stdout)["verdict"]
        self.assertEqual(verdict, "The sound devices could not be listed: " + snapshot["server"]["error"] + ".")

    def test_mistakes_exit_2_with_a_clear_message(self):
        with tempfile.TemporaryDirectory() as d:
            garbage = os.path.join(d, "garbage.json")
            with open(garbage, "w") as f:
                f.write("{not json")
            cases = [
                (["--format", "yaml"], b"--format must be text, json, html or markdown"),
                (["--bogus"], b"--bogus"),
                (["--refresh", "--snapshot", JABRA], b"--snapshot cannot be refreshed"),
                (["--snapshot", os.path.join(d, "absent.json")], b"absent.json"),
                (["--snapshot", garbage], b"garbage.json"),
                (["--snapshot", ""], b"--snapshot needs a file name"),
                (["--output", ""], b"--output needs a file name"),
            ]
            for args, message in cases:
                with self.subTest(args=args):
                    p = run(*args)
                    self.assertEqual(p.returncode, 2)
                    self.assertEqual(p.stdout, b"")
                    self.assertIn(message, p.stderr)

    def test_help_and_usage(self):
        p = run("--help")
        self.assertEqual(p.returncode, 0)
        for option in ("--format", "--refresh", "--output", "--snapshot"):
            self.assertIn(option.encode(), p.stdout)
        usage = subprocess.run([MICDOCTOR, "help"], capture_output=True, timeout=10).stdout.decode()
        self.assertIn("  drivers   ", usage)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
