#!/usr/bin/python3
"""`micdoctor.exe drivers` (the mingw-w64 build) under Wine, against a private
PulseAudio server whose virtual microphone Wine shows as a capture endpoint:
the command runs in every format, exits as documented (0 unless a check
finds a problem, 2 for a wrong option), lists the device behind every capture
endpoint with the driver Wine reports for it (the one `check` reads; Wine 8
reports none, and the list says so), and says why Windows Update could not be
searched. What Wine cannot show (a
Windows Update offer, a blocked policy, services) is covered by the unit
tests' Windows snapshots (tests/unit/drivers_test.cpp).
Usage: test_wine_drivers.py PATH/TO/micdoctor.exe"""
import json
import os
import subprocess
import sys
import tempfile
import shutil
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
from soundserver import PulseAudioServer  # noqa: E402
from wineprefix import WinePrefix, windows_path  # noqa: E402

EXE = None


def problems(report):
    return [f for f in report["findings"] if f["severity"] in ("warning", "error")]


class WineDrivers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = PulseAudioServer()
        cls.modules = cls.server.add_microphone("wine_mic", "Wine Test Microphone")
        cls.wine = WinePrefix(cls.server.dir, cls.server.env).make()
        cls.env = cls.wine.env

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        cls.server.unload(cls.modules)
        cls.server.stop()

    def run_exe(self, *args, timeout=120):
        return subprocess.run(["wine", EXE, *args], env=self.env, capture_output=True, text=True, timeout=timeout)

    def test_json_names_wine_driver_and_explains_windows_update(self):
        p = self.run_exe("drivers", "--format", "json")
        report = json.loads(p.stdout)
        self.assertEqual(report["schema"], "micdoctor.drivers/1")
        self.assertEqual(report["platform"], "windows")
        self.assertEqual(p.returncode, 1 if problems(report) else 0, p.stderr)
        # Every capture endpoint `check` sees is behind a listed device, with the
        # driver `check` reads for it (Wine gives none: then it says so).
        check = json.loads(self.run_exe("check", "--format", "json").stdout)
        endpoints = {d["id"]: d["description"] for d in check["devices"]}
        self.assertIn("Wine Test Microphone", endpoints.values())
        self.assertIsNone(report["no_sound_hardware"])
        for endpoint, description in endpoints.items():
            listed = [d for d in report["devices"] if endpoint in d["endpoints"]]
            self.assertEqual(len(listed), 1, endpoint)
            described = [d for d in check.get("drivers", []) if d["endpoint"] == endpoint]
            if described:
                self.assertEqual(listed[0]["name"], described[0]["device_name"])
                self.assertEqual(listed[0]["driver"]["provider"], described[0]["provider"])
                self.assertEqual(listed[0]["driver"]["version"], described[0]["version"])
            else:
                self.assertEqual(listed[0]["name"], description)
                self.assertEqual(listed[0]["driver"]["provider"], "")
        wu = [s for s in report["sources"] if s["name"] == "Windows Update"]
        self.assertEqual(len(wu), 1)
        self.assertFalse(wu[0]["ok"])
        self.assertIn(wu[0]["state"], ("not searched", "blocked"))
        self.assertTrue(wu[0]["detail"].startswith("Windows Update could not be searched: ") or
                        wu[0]["state"] == "blocked", wu[0])
        self.assertGreater(len(wu[0]["detail"]), len("Windows Update could not be searched: "), "an explained error")

    def test_text_html_markdown(self):
        p = self.run_exe("drivers")
        self.assertIn(p.returncode, (0, 1), p.stderr)
        self.assertTrue(p.stdout.startswith("micdoctor drivers: Windows"), p.stdout)
        self.assertIn("Windows Update (not searched)", p.stdout)
        self.assertIn("Wine Test Microphone", p.stdout)
        check = json.loads(self.run_exe("check", "--format", "json").stdout)
        for d in check.get("drivers", []):
            self.assertIn(d["device_name"], p.stdout)
        if not check.get("drivers"):
            self.assertIn("Driver: unknown: Windows gave no driver details", p.stdout)
        html = self.run_exe("drivers", "--format", "html")
        self.assertIn(html.returncode, (0, 1))
        self.assertIn("Content-Security-Policy", html.stdout)
        md = self.run_exe("drivers", "--format", "markdown")
        self.assertIn(md.returncode, (0, 1))
        self.assertIn("micdoctor drivers: Windows", md.stdout)

    def test_output_file_and_mistakes(self):
        d = tempfile.mkdtemp(prefix="micdoctor-wine-drivers-")
        try:
            path = os.path.join(d, "drivers.json")
            p = self.run_exe("drivers", "--format", "json", "--output", windows_path(path))
            self.assertIn(p.returncode, (0, 1), p.stderr)
            with open(path, encoding="utf-8") as f:
                self.assertEqual(json.load(f)["schema"], "micdoctor.drivers/1")
        finally:
            shutil.rmtree(d, ignore_errors=True)
        p = self.run_exe("drivers", "--format", "yaml")
        self.assertEqual(p.returncode, 2)
        self.assertIn("--format must be text, json, html or markdown", p.stderr)


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
