#!/usr/bin/python3
"""micdoctor.exe (the mingw-w64 build) under Wine against the audio services.
Wine's Service Control Manager is real: in the test's own prefix, services
named like Windows' own (Audiosrv, AudioEndpointBuilder, camsvc; a fresh
prefix has none) are created around micdoctor_test_service.exe (a do-nothing
service built beside micdoctor.exe), stopped or disabled, and micdoctor's
check finds service.audio_stopped / service.camsvc_disabled, `fix --yes`
sets the start type back and starts the service, and `undo` puts the start
type back without stopping anything. The start type is read back from the
registry (HKLM\\System\\CurrentControlSet\\Services\\NAME, Start), where
Wine's services.exe keeps it (Wine 8's sc has no `qc`), the state with
`sc query`. Wine runs every program with full rights, so the refusal a
non-administrator gets cannot be shown here: its wording is unit-tested
(tests/unit/service_checks_test.cpp).
Usage: test_wine_services.py PATH/TO/micdoctor.exe"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
from soundserver import PulseAudioServer  # noqa: E402
from wineprefix import WinePrefix, windows_path  # noqa: E402

EXE = None
SERVICES_KEY = r"HKLM\System\CurrentControlSet\Services"
# The SCM's start types (winsvc.h) and the sc words that create them.
START_CODES = {"automatic": 2, "manual": 3, "disabled": 4}
SC_WORDS = {"automatic": "auto", "manual": "demand", "disabled": "disabled"}
DISPLAY = {"Audiosrv": "Windows Audio", "AudioEndpointBuilder": "Windows Audio Endpoint Builder",
           "camsvc": "Capability Access Manager Service"}


class WineServices(unittest.TestCase):
    count = 0

    @classmethod
    def setUpClass(cls):
        cls.server = PulseAudioServer()
        cls.wine = WinePrefix(cls.server.dir, cls.server.env).make()
        cls.env = cls.wine.env
        # Wine ends services.exe and every service with the last ordinary
        # process (a few seconds after each command): a persistent wineserver
        # keeps the services running from one command to the next, as Windows does.
        subprocess.run(["wineserver", "-k"], env=cls.env, capture_output=True, timeout=30)
        subprocess.run(["wineserver", "-p"], env=cls.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30, check=True)
        # services.exe, started by the first command, lives as long as the
        # server: started here with no pipe to inherit, later commands' output ends with them.
        subprocess.run(["wine", "sc", "query", "Spooler"], env=cls.env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60, check=True)
        cls.modules = cls.server.add_microphone("winmic", "USB Headset Microphone")
        cls.server.set_default_source("winmic")
        cls.service_exe = windows_path(os.path.join(os.path.dirname(EXE), "src", "micdoctor_test_service.exe"))

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        cls.server.stop()

    def setUp(self):
        WineServices.count += 1
        self.state_dir = tempfile.mkdtemp(prefix="micdoctor-wine-services-state-")
        self.created = []
        self.addCleanup(self.cleanup)

    def cleanup(self):
        for name in self.created:
            self.sc("stop", name, check=False)
            self.sc("delete", name, check=False)
        shutil.rmtree(self.state_dir, ignore_errors=True)

    # -- helpers -----------------------------------------------------------
    def sc(self, *args, check=True):
        p = subprocess.run(["wine", "sc", *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"wine sc {args}: {p.stdout} {p.stderr}")
        return p.stdout

    def create(self, name, start_type, running=False):
        """A service named like Windows' own, around the test service, with this start type."""
        self.sc("create", name, "binPath=", self.service_exe, "start=", SC_WORDS[start_type],
                "DisplayName=", DISPLAY[name])
        self.created.append(name)
        if running:
            self.sc("start", name)
            self.wait_state(name, "RUNNING")

    def state(self, name):
        for line in self.sc("query", name, check=False).splitlines():
            if "STATE" in line:
                return line.split()[-1]
        return None

    def wait_state(self, name, wanted):
        for _ in range(100):
            if self.state(name) == wanted:
                return
            time.sleep(0.1)  # the SCM sends no event a test could wait on: sc query is polled
        self.fail(f"{name} never became {wanted}: {self.state(name)}")

    def start_code(self, name):
        """The start type the SCM keeps for the service (its registry Start value)."""
        p = subprocess.run(["wine", "reg", "query", SERVICES_KEY + "\\" + name, "/v", "Start"], env=self.env,
                           capture_output=True, text=True, timeout=60)
        for line in p.stdout.splitlines():
            parts = line.split()
            if parts and parts[0] == "Start":
                return int(parts[-1], 16)
        return None

    def json_of(self, *args, expect=None):
        env = dict(self.env, MICDOCTOR_STATE_DIR=windows_path(self.state_dir))
        p = subprocess.run(["wine", EXE, *args, "--format", "json"], env=env, capture_output=True, text=True,
                           timeout=120)
        if expect is not None:
            self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return json.loads(p.stdout)

    @staticmethod
    def found(report, check_id):
        return [f for f in report["findings"] if f["id"] == check_id]

    # -- tests -------------------------------------------------------------
    def test_services_are_read_as_the_scm_has_them(self):
        self.create("AudioEndpointBuilder", "manual", running=True)
        self.create("Audiosrv", "disabled")
        report = self.json_of("check")
        services = {s["name"]: s for s in report["services"]}
        self.assertEqual(list(services), ["Audiosrv", "AudioEndpointBuilder", "camsvc"])
        self.assertEqual((services["Audiosrv"]["exists"], services["Audiosrv"]["state"],
                          services["Audiosrv"]["start_type"], services["Audiosrv"]["display_name"]),
                         (True, "stopped", "disabled", "Windows Audio"))
        self.assertEqual((services["AudioEndpointBuilder"]["state"], services["AudioEndpointBuilder"]["start_type"]),
                         ("running", "manual"))
        self.assertFalse(services["camsvc"]["exists"])
        self.assertEqual(services["camsvc"]["error"], "")

    def test_disabled_camsvc_is_found_fixed_and_undone(self):
        self.create("camsvc", "disabled")
        report = self.json_of("check", expect=1)
        [finding] = self.found(report, "service.camsvc_disabled")
        self.assertEqual((finding["severity"], finding["step"], finding["device"], finding["fix"]),
                         ("error", 1, "camsvc", "service.start"))
        # Each administrator command on its own line (joined into one, they fail when pasted).
        steps = finding["manual_steps"]
        self.assertIn("sc.exe config camsvc start= demand", steps)
        self.assertEqual(steps[steps.index("sc.exe config camsvc start= demand") + 1], "sc.exe start camsvc")
        self.assertEqual(self.found(report, "service.audio_stopped"), [])

        fix = self.json_of("fix", "--yes", "--only", "service.start")
        self.assertEqual([(c["fix"], c["status"], c["resolved"]) for c in fix["changes"]],
                         [("service.start", "applied", True)])
        self.assertEqual((self.start_code("camsvc"), self.state("camsvc")), (START_CODES["manual"], "RUNNING"))
        self.assertEqual(self.found(self.json_of("check"), "service.camsvc_disabled"), [])

        undo = self.json_of("undo", expect=0)
        self.assertEqual([e["result"] for r in undo["runs"] for e in r["entries"]], ["restored"])
        # The start type is back; the running service is not stopped.
        self.assertEqual((self.start_code("camsvc"), self.state("camsvc")), (START_CODES["disabled"], "RUNNING"))

    def test_camsvc_stopped_with_start_type_manual_is_normal(self):
        self.create("camsvc", "manual")
        self.assertEqual(self.state("camsvc"), "STOPPED")
        self.assertEqual(self.found(self.json_of("check"), "service.camsvc_disabled"), [])

    def test_stopped_audio_services_are_found_fixed_and_undone(self):
        self.create("AudioEndpointBuilder", "manual")
        self.create("Audiosrv", "disabled")
        report = self.json_of("check", expect=1)
        stopped = self.found(report, "service.audio_stopped")
        self.assertEqual([(f["device"], f["severity"], f["step"], f["fix"]) for f in stopped],
                         [("AudioEndpointBuilder", "error", 0, "service.start"),
                          ("Audiosrv", "error", 0, "service.start")])
        # Wine's audio does not hang on these services: the device list still works, nothing to explain.
        self.assertEqual(self.found(report, "server.unreachable"), [])

        fix = self.json_of("fix", "--yes", "--only", "service.start")
        self.assertEqual([(c["device"], c["status"], c["resolved"]) for c in fix["changes"]],
                         [("AudioEndpointBuilder", "applied", True), ("Audiosrv", "applied", True)])
        for name in ("AudioEndpointBuilder", "Audiosrv"):
            self.assertEqual((self.start_code(name), self.state(name)), (START_CODES["automatic"], "RUNNING"), name)
        self.assertEqual(self.found(self.json_of("check"), "service.audio_stopped"), [])

        self.json_of("undo", expect=0)
        self.assertEqual((self.start_code("AudioEndpointBuilder"), self.start_code("Audiosrv")),
                         (START_CODES["manual"], START_CODES["disabled"]))
        self.assertEqual((self.state("AudioEndpointBuilder"), self.state("Audiosrv")), ("RUNNING", "RUNNING"))

    def test_a_paused_audio_service_is_continued_by_the_fix(self):
        self.create("AudioEndpointBuilder", "automatic", running=True)
        self.create("Audiosrv", "automatic", running=True)
        p = subprocess.run(["wine", self.service_exe, "pause", "Audiosrv"], env=self.env, capture_output=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.wait_state("Audiosrv", "PAUSED")
        [finding] = self.found(self.json_of("check", expect=1), "service.audio_stopped")
        self.assertEqual((finding["device"], finding["severity"]), ("Audiosrv", "error"))

        # StartService says "already running" to a paused service: the fix sends CONTINUE.
        fix = self.json_of("fix", "--yes", "--only", "service.start")
        self.assertEqual([(c["device"], c["status"], c["resolved"]) for c in fix["changes"]],
                         [("Audiosrv", "applied", True)])
        self.assertEqual(self.state("Audiosrv"), "RUNNING")


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
