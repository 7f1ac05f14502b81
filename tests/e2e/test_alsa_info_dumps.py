#!/usr/bin/python3
"""End to end: `micdoctor check --alsa-info FILE --format json` on every real
alsa-info.sh dump in tests/fixtures/alsa-info/, held to what the README there
says the evidence supports (machine-readable in expected-ids.json):
exactly the warnings and errors named (severity and device where named), the
information ids named, "source": "alsa-info", and steps 0, 1 and 3 not judged.

Usage: test_alsa_info_dumps.py PATH/TO/micdoctor BUILD_DIR"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DUMPS = os.path.normpath(os.path.join(HERE, "..", "fixtures", "alsa-info"))
MICDOCTOR = None

with open(os.path.join(DUMPS, "expected-ids.json"), encoding="utf-8") as _f:
    EXPECTED = json.load(_f)["dumps"]

ALWAYS_INFO = {"driver.info", "check.not_judged"}
PROBLEM = {"warning", "error"}


def check_dump(name):
    with tempfile.TemporaryDirectory(prefix="micdoctor-alsa-info-") as d:
        for sub in ("home", "config", "state", "runtime"):
            os.makedirs(os.path.join(d, sub), mode=0o700)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": os.path.join(d, "home"),
               "XDG_CONFIG_HOME": os.path.join(d, "config"), "XDG_STATE_HOME": os.path.join(d, "state"),
               "XDG_RUNTIME_DIR": os.path.join(d, "runtime"), "PULSE_SERVER": "unix:" + os.path.join(d, "none")}
        # The sanitizer build's settings (scripts/test.sh) pass through.
        env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS") or k == "MICDOCTOR_SANITIZED"})
        p = subprocess.run([MICDOCTOR, "check", "--alsa-info", os.path.join(DUMPS, name), "--format", "json"],
                           env=env, capture_output=True, text=True, timeout=30)
    return p


class AlsaInfoDumps(unittest.TestCase):
    def test_every_dump_has_an_expectation(self):
        dumps = sorted(n for n in os.listdir(DUMPS) if n.endswith(".txt"))
        self.assertEqual(dumps, sorted(EXPECTED))

    def judge(self, name):
        expectation = EXPECTED[name]
        if "same_as" in expectation:
            expectation = EXPECTED[expectation["same_as"]]
        p = check_dump(name)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["schema"], "micdoctor.check/1")
        self.assertEqual(report["source"], "alsa-info")
        findings = report["findings"]
        shown = json.dumps([f for f in findings if f["id"] not in ALWAYS_INFO], indent=1)

        # Steps 0 (server), 1 (applications) and 3 (default input): no evidence in a dump.
        not_judged = sorted(f["step"] for f in findings if f["id"] == "check.not_judged")
        self.assertEqual(not_judged, [0, 1, 3])
        self.assertNotIn("server.unreachable", [f["id"] for f in findings])

        wanted = expectation["findings"]
        for w in wanted:
            matching = [f for f in findings if f["id"] == w["id"]]
            self.assertTrue(matching, f"{w['id']} not reported; findings: {shown}")
            severities = {f["severity"] for f in matching}
            allowed = PROBLEM if w["severity"] == "problem" else {w["severity"]}
            self.assertTrue(severities <= allowed, f"{w['id']} is {severities}, expected {w['severity']}: {shown}")
            if "device" in w:
                self.assertIn(w["device"], [f["device"] for f in matching], shown)
        # Exactly these problems, and information only where the README names it.
        wanted_ids = {w["id"] for w in wanted}
        may_inform = set(expectation.get("may_inform", []))
        for f in findings:
            if f["id"] in wanted_ids or f["id"] in ALWAYS_INFO:
                continue
            if f["severity"] == "info" and f["id"] in may_inform:
                continue
            self.fail(f"unexpected {f['severity']} {f['id']} ({f.get('device')}): {shown}")


def add_case(name):
    def test(self):
        self.judge(name)
    test.__doc__ = name
    return test


# One test per dump, so that a single disagreement is marked alone.
KNOWN_DISAGREEMENTS = {
}

for _name in sorted(EXPECTED):
    _test = add_case(_name)
    if _name in KNOWN_DISAGREEMENTS:
        _test = unittest.expectedFailure(_test)
    _method = "test_" + _name[:-len(".txt")].replace("-", "_").replace(".", "_")
    setattr(AlsaInfoDumps, _method, _test)


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    sys.argv.pop(1)  # the build directory: not needed here
    unittest.main(verbosity=2)
