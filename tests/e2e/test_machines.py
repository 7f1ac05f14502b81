#!/usr/bin/python3
"""End to end: `micdoctor check --format json` on every fixture machine
(tests/fixtures/machines/<name>/), through the real binary, with the
machine's mixers (mixers/<CARD>.state) served by real alsa-lib.

Every id in the machine's expected-ids is reported, and nothing else from
below the sound server: no other id of issue 13, and no other warning or
error than those this test machine causes itself (no server, no /dev/snd).
Healthy machines (an empty expected-ids) report none.

Usage: test_machines.py PATH/TO/micdoctor BUILD_DIR"""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from machine_env import ENVIRONMENT_IDS, MachineRun, expected_ids, machine_names  # noqa: E402

MICDOCTOR = None
BUILD_DIR = None

# The ids of issue 13 ("Below the sound server"): none may appear unless the machine lists it.
BELOW_SERVER_IDS = {
    "driver.dmic_needs_sof", "firmware.missing", "driver.ucm_missing", "codec.mic_pin_unconfigured",
    "jack.headset_mic_missing", "mixer.capture_off", "mixer.capture_low", "mixer.boost_high", "mixer.input_select",
    "hardware.micmute_on", "bluetooth.no_headset_profile", "usb.autosuspend", "default.stale",
    "signal.mic_on_other_channel",
}
# Information by contract when judged from the state alone (no test ran):
# listed in expected-ids, they are reported as info.
INFO_FROM_STATE = {"usb.autosuspend", "mixer.boost_high"}
# Always reported, never listed (tests/fixtures/machines/README.md).
ALWAYS = {"driver.info"}


class Machines(unittest.TestCase):
    def check(self, name):
        with MachineRun(MICDOCTOR, BUILD_DIR, name) as m:
            p = m.run("check", "--format", "json")
        self.assertIn(p.returncode, (0, 1), p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["schema"], "micdoctor.check/1")
        return report

    def test_every_machine_gives_its_ids_and_nothing_else(self):
        names = machine_names()
        self.assertGreaterEqual(len(names), 10)
        for name in names:
            with self.subTest(machine=name):
                expected = expected_ids(name)
                report = self.check(name)
                findings = report["findings"]
                ids = [f["id"] for f in findings]
                for wanted in expected:
                    reported = [f for f in findings if f["id"] == wanted]
                    self.assertTrue(reported, f"{wanted} not reported; findings: {ids}")
                    severities = {f["severity"] for f in reported}
                    if wanted in INFO_FROM_STATE:
                        self.assertEqual(severities, {"info"}, wanted)
                    else:
                        self.assertTrue(severities <= {"warning", "error"}, (wanted, severities))
                for f in findings:
                    if f["id"] in expected or f["id"] in ALWAYS:
                        continue
                    self.assertNotIn(f["id"], BELOW_SERVER_IDS, f"unexpected {f['id']}: {f.get('detail', '')}")
                    if f["severity"] in ("warning", "error"):
                        self.assertIn(f["id"], ENVIRONMENT_IDS, f"unexpected {f['severity']} {f['id']}: {f.get('detail', '')}")

    def test_machines_with_mixers_read_them_through_alsa_lib(self):
        # The mixers are evidence only if micdoctor read them: each card with
        # a state file appears in the snapshot's mixers, read.
        for name in machine_names():
            mixers = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "machines", name, "mixers")
            if not os.path.isdir(mixers):
                continue
            with self.subTest(machine=name):
                report = self.check(name)
                read = {m.get("card_id") for m in report["kernel"]["mixers"] if m.get("read")}
                for state in os.listdir(mixers):
                    self.assertIn(state[:-len(".state")], read)

    def test_the_mixer_is_what_gives_the_id(self):
        # Without its mixer, each of these machines does not give its id:
        # the evidence is the card's controls read through alsa-lib.
        for name, wanted in (("alc-mic-pin-na", "codec.mic_pin_unconfigured"), ("usb-mic-autosuspend", "usb.autosuspend"),
                             ("medion-capture-off", "mixer.capture_off")):
            with self.subTest(machine=name), MachineRun(MICDOCTOR, BUILD_DIR, name) as m:
                with_mixer = json.loads(m.run("check", "--format", "json").stdout)
                m.env["MICDOCTOR_ALSA_STATE"] = os.path.join(m.tmp.name, "no-cards")
                without = json.loads(m.run("check", "--format", "json").stdout)
                self.assertIn(wanted, [f["id"] for f in with_mixer["findings"]])
                self.assertNotIn(wanted, [f["id"] for f in without["findings"]])


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    BUILD_DIR = os.path.abspath(sys.argv.pop(1))
    unittest.main()
