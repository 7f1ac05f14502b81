#!/usr/bin/python3
"""End to end: `micdoctor fix` and `micdoctor undo` on real alsa-lib controls.

The fixture machine medion-capture-off (tests/fixtures/machines) has the real
mixer of its alsa-info dump, 'Capture' switched off, served through alsa-lib by
the test ALSA control plugin; amixer reads it through the same configuration.
check names mixer.capture_off with the fix mixer.capture_on, fix switches it
on and journals it, undo puts every channel's raw value back exactly, and
leaves alone a control the person changed after the fix. fix --dry-run changes
nothing.

Usage: test_mixer_fix.py PATH/TO/micdoctor BUILD_DIR"""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine_env import MachineRun  # noqa: E402

MICDOCTOR = None
BUILD_DIR = None
MACHINE = "medion-capture-off"
CAPTURE = "PCH:Capture,0"


def raw(m, control):
    """A control's raw values as alsa-lib gives them, through amixer cget."""
    text = m.amixer("PCH", "cget", "name=" + control)
    values = re.search(r": values=(.*)", text).group(1).strip()
    return values.split(",")


def findings(m):
    p = m.run("check", "--format", "json")
    return json.loads(p.stdout)["findings"]


def journal_runs(m):
    path = os.path.join(m.state_home, "micdoctor", "journal.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return json.load(f)["runs"]


class MixerFix(unittest.TestCase):
    def setUp(self):
        self.m = MachineRun(MICDOCTOR, BUILD_DIR, MACHINE)
        self.addCleanup(self.m.tmp.cleanup)
        self.before = self.m.amixer("PCH", "contents")

    def fix(self, *args):
        p = self.m.run("fix", "--yes", "--format", "json", *args)
        self.assertIn(p.returncode, (0, 1), p.stderr)  # 1: no server here, that problem remains
        return json.loads(p.stdout)

    def test_check_names_the_switch_and_its_fix(self):
        off = [f for f in findings(self.m) if f["id"] == "mixer.capture_off"]
        self.assertEqual(len(off), 1)
        self.assertEqual((off[0]["severity"], off[0]["device"], off[0]["fix"]), ("error", CAPTURE, "mixer.capture_on"))
        # The manual step, pasted into a shell, does what it says on this card.
        step = off[0]["manual_steps"][0]
        command = re.match(r"Switch it on: (amixer .*?)  \(", step).group(1)
        subprocess.run(["sh", "-c", command.replace("amixer -c ", "amixer -D hw:", 1)], env=self.m.env, check=True,
                       capture_output=True, timeout=10)
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["on", "on"])

    def test_dry_run_changes_nothing(self):
        p = self.m.run("fix", "--dry-run", "--format", "json")
        self.assertIn(p.returncode, (0, 1), p.stderr)
        plan = json.loads(p.stdout)
        self.assertTrue(plan["dry_run"])
        self.assertEqual([c["fix"] for c in plan["changes"]], ["mixer.capture_on"])
        self.assertEqual(self.m.amixer("PCH", "contents"), self.before)
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["off", "off"])
        self.assertEqual(journal_runs(self.m), [])

    def test_fix_switches_it_on_and_undo_puts_every_control_back(self):
        result = self.fix()
        changes = [c for c in result["changes"] if c["fix"] == "mixer.capture_on"]
        self.assertEqual(len(changes), 1, result["changes"])
        self.assertEqual((changes[0]["device"], changes[0]["status"], changes[0]["resolved"]), (CAPTURE, "applied", True))
        # The switch is on in alsa-lib, for every channel; its volume untouched.
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["on", "on"])
        self.assertEqual(raw(self.m, "'Capture Volume'"), ["31", "31"])
        # Journalled under XDG_STATE_HOME before it was made.
        runs = journal_runs(self.m)
        self.assertEqual(len(runs), 1)
        self.assertEqual(runs[0]["id"], result["run"])
        entry = runs[0]["entries"][0]
        self.assertEqual((entry["change"]["fix"], entry["change"]["target"]["name"], entry["status"]),
                         ("mixer.capture_on", CAPTURE, "applied"))
        # check no longer finds it.
        self.assertNotIn("mixer.capture_off", [f["id"] for f in findings(self.m)])
        # undo: every control of the card exactly as before.
        p = self.m.run("undo")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["off", "off"])
        self.assertEqual(self.m.amixer("PCH", "contents"), self.before)
        self.assertTrue(journal_runs(self.m)[0]["undone"])
        self.assertIn("mixer.capture_off", [f["id"] for f in findings(self.m)])

    def test_undo_restores_each_channels_raw_volume(self):
        # A capture volume at the bottom, its channels apart: mixer.capture_low.
        self.m.amixer("PCH", "cset", "name='Capture Switch'", "on,on")
        self.m.amixer("PCH", "cset", "name='Capture Volume'", "0,2")
        before = self.m.amixer("PCH", "contents")
        low = [f for f in findings(self.m) if f["id"] == "mixer.capture_low"]
        self.assertEqual([(f["device"], f["fix"]) for f in low], [(CAPTURE, "mixer.raise_capture")])
        result = self.fix()
        self.assertEqual([c["fix"] for c in result["changes"]], ["mixer.raise_capture"])
        raised = [int(v) for v in raw(self.m, "'Capture Volume'")]
        self.assertTrue(all(v > 2 for v in raised), raised)
        self.assertNotIn("mixer.capture_low", [f["id"] for f in findings(self.m)])
        p = self.m.run("undo")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(raw(self.m, "'Capture Volume'"), ["0", "2"])
        self.assertEqual(self.m.amixer("PCH", "contents"), before)

    def test_undo_leaves_a_control_changed_since_alone(self):
        self.fix()
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["on", "on"])
        # The person switches the right channel off again after the fix.
        self.m.amixer("PCH", "cset", "name='Capture Switch'", "on,off")
        p = self.m.run("undo")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(CAPTURE, p.stdout)
        self.assertIn("left alone", p.stdout)
        self.assertEqual(raw(self.m, "'Capture Switch'"), ["on", "off"])


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    BUILD_DIR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
