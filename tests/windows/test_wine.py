#!/usr/bin/python3
"""micdoctor.exe (the mingw-w64 build) under Wine, against a private
PulseAudio server: Wine's audio driver shows the server's sources as Windows
capture endpoints, so endpoint enumeration, defaults, WASAPI capture of a fed
signal, and the microphone privacy switches in the (Wine) registry are
exercised for real, with fix and undo; the apps' recording sessions as far
as Wine lists them; and the Windows watch (platform::watch, run through the
test-only micdoctor_watch_probe.exe built beside micdoctor.exe) metering an
endpoint and following a default change. What Wine cannot show (disabled
endpoints, driver problem codes, endpoint mute kept across processes, the
sessions themselves) is covered by Windows snapshot fixtures
(tests/fixtures/windows, unit tests).
Usage: test_wine.py PATH/TO/micdoctor.exe"""
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
from soundserver import PulseAudioServer, wait_until  # noqa: E402
from test_mic_test import make_content  # noqa: E402
from wineprefix import WinePrefix, windows_path  # noqa: E402

EXE = None
CONSENT = r"HKCU\Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\microphone"
CONSENT_HKLM = r"HKLM\Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore\microphone"
POLICY = r"HKLM\Software\Policies\Microsoft\Windows\AppPrivacy"
# Where Wine 8's mmdevapi keeps a default chosen by the user (winecfg); it
# watches the key and calls IMMNotificationClient::OnDefaultDeviceChanged.
WINE_DEFAULTS = r"HKCU\Software\Wine\Drivers\winepulse.drv"


class Probe:
    """micdoctor_watch_probe.exe (or another program printing JSON lines)
    running: its lines, read as they come."""

    def __init__(self, env, *args, program=None):
        probe = program or os.path.join(os.path.dirname(EXE), "src", "micdoctor_watch_probe.exe")
        self.process = subprocess.Popen(["wine", probe, *args], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        self.seen = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)

    def next(self, condition, what, timeout=20):
        """The next line that meets the condition (the lines before it are kept in seen)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line is None:
                break
            self.seen.append(line)
            if condition(line):
                return line
        raise AssertionError(f"no {what} among {self.seen}")

    def finish(self):
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        self.process.stdout.close()


class Wine(unittest.TestCase):
    count = 0

    @classmethod
    def setUpClass(cls):
        cls.content_dir = tempfile.mkdtemp(prefix="micdoctor-wine-content-")
        cls.content = make_content(cls.content_dir)
        cls.server = PulseAudioServer()
        cls.wine = WinePrefix(cls.server.dir, cls.server.env).make()
        cls.env = cls.wine.env

    @classmethod
    def tearDownClass(cls):
        cls.wine.stop()
        cls.server.stop()
        shutil.rmtree(cls.content_dir, ignore_errors=True)

    def setUp(self):
        Wine.count += 1
        self.modules = []
        self.players = []
        self.state_dir = os.path.join(self.server.dir, f"state{self.count}")
        self.addCleanup(self.cleanup)

    def cleanup(self):
        for p in self.players:
            p.kill()
            p.wait()
        for key in (CONSENT, CONSENT_HKLM, POLICY):
            self.reg("delete", key, "/f", check=False)
        self.server.unload(self.modules)

    # -- helpers -----------------------------------------------------------
    def reg(self, *args, check=True):
        p = subprocess.run(["wine", "reg", *args], env=self.env, capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise RuntimeError(f"wine reg {args}: {p.stdout} {p.stderr}")
        return p.stdout

    def reg_value(self, key, name="Value"):
        out = self.reg("query", key, "/v", name, check=False)
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0] == name:
                return parts[-1]
        return None

    def run_exe(self, *args, timeout=60):
        env = dict(self.env, MICDOCTOR_STATE_DIR=windows_path(self.state_dir))
        p = subprocess.run(["wine", EXE, *args], env=env, capture_output=True, text=True, timeout=timeout)
        return p

    def json_of(self, *args, expect=None):
        p = self.run_exe(*args, "--format", "json")
        if expect is not None:
            self.assertEqual(p.returncode, expect, p.stdout + p.stderr)
        return json.loads(p.stdout)

    def mic(self, description="USB Headset Microphone"):
        name = f"winmic{self.count}"
        self.modules += self.server.add_microphone(name, f"{description} {self.count}")
        self.server.set_default_source(name)
        return name, f"{description} {self.count}"

    def endpoint(self, report, description):
        for d in report["devices"]:
            if d["description"] == description:
                return d
        raise AssertionError(f"no endpoint {description!r} among {[d['description'] for d in report['devices']]}")

    def ids(self, report):
        return [f["id"] for f in report["findings"]]

    # -- scenarios ---------------------------------------------------------
    def test_the_microphone_is_named_by_its_friendly_name_and_the_id_only_with_v(self):
        _, description = self.mic()
        mic = self.endpoint(self.json_of("check", expect=0), description)
        endpoint_id = mic["id"]
        self.assertTrue(endpoint_id.startswith("{0.0.1.00000000}."))
        p = self.run_exe("check", "--device", endpoint_id)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # Wine with PULSE_SERVER: the friendly name is the PulseAudio source's description.
        self.assertIn(f'microphone "{description}"', p.stdout.splitlines()[0])
        self.assertIn(f'Nothing is wrong in the settings of "{description}"', p.stdout)
        self.assertNotIn("{0.0.1.", p.stdout)
        p = self.run_exe("check", "-v", "--device", endpoint_id)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn(f'microphone "{description}" ({endpoint_id})', p.stdout.splitlines()[0])
        self.assertIn(f"{endpoint_id}: {description}", p.stdout)  # the device table

    def test_each_command_prints_its_help(self):
        for argv in (["check", "--help"], ["help", "fix"], ["undo", "-h"]):
            with self.subTest(argv=argv):
                p = self.run_exe(*argv)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn(f"micdoctor {argv[0] if argv[0] != 'help' else argv[1]} [OPTIONS]", p.stdout)
        p = self.run_exe("check", "--bogus")
        self.assertEqual(p.returncode, 2)
        self.assertIn("unknown option --bogus", p.stderr)

    def test_endpoints_are_enumerated_with_their_state(self):
        _, description = self.mic()
        report = self.json_of("check", expect=0)
        self.assertEqual(report["platform"], "windows")
        self.assertTrue(report["server"]["reachable"])
        mic = self.endpoint(report, description)
        self.assertEqual((mic["kind"], mic["state"]), ("microphone", "active"))
        self.assertEqual(mic["sample_rate"], 48000)
        self.assertTrue(mic["id"].startswith("{0.0.1.00000000}."))
        monitor = self.endpoint(report, "Monitor of Speakers")
        self.assertEqual(monitor["kind"], "monitor")
        self.assertTrue(any(d["is_default"] for d in report["devices"]))
        self.assertEqual(report["server"]["default_source"], report["server"]["default_communications"])
        devices = self.run_exe("devices")
        self.assertEqual(devices.returncode, 0)
        self.assertIn(description, devices.stdout)

    def test_privacy_denied_at_each_level(self):
        self.mic()
        cases = [
            ((CONSENT_HKLM, "Value", "REG_SZ", "Deny"), "permission.os_denied", None),
            ((CONSENT, "Value", "REG_SZ", "Deny"), "permission.user_denied", "privacy.allow_user"),
            ((CONSENT + r"\NonPackaged", "Value", "REG_SZ", "Deny"), "permission.desktop_apps_denied",
             "privacy.allow_desktop_apps"),
            ((POLICY, "LetAppsAccessMicrophone", "REG_DWORD", "2"), "permission.policy_denied", None),
            ((CONSENT + r"\NonPackaged\C:#Program Files#Zoom#bin#Zoom.exe", "Value", "REG_SZ", "Deny"),
             "permission.app_denied", None),
        ]
        for (key, name, kind, data), expected, fix in cases:
            with self.subTest(expected=expected):
                self.reg("add", key, "/v", name, "/t", kind, "/d", data, "/f")
                report = self.json_of("check", expect=1)
                finding = [f for f in report["findings"] if f["id"] == expected]
                self.assertEqual(len(finding), 1, self.ids(report))
                self.assertEqual((finding[0]["severity"], finding[0]["step"], finding[0]["fix"]), ("error", 1, fix))
                if expected == "permission.app_denied":
                    self.assertIn("Zoom.exe", finding[0]["title"])
                self.reg("delete", key, "/v", name, "/f")
        # A last-used time is reported in words.
        app = CONSENT + r"\NonPackaged\C:#Program Files#Zoom#bin#Zoom.exe"
        self.reg("add", app, "/v", "Value", "/t", "REG_SZ", "/d", "Deny", "/f")
        self.reg("add", app, "/v", "LastUsedTimeStart", "/t", "REG_QWORD", "/d", "0x1db3f0c5a8e4000", "/f")
        report = self.json_of("check", expect=1)
        finding = [f for f in report["findings"] if f["id"] == "permission.app_denied"][0]
        self.assertRegex(finding["detail"], r"last tried to use the microphone at \d{4}-\d\d-\d\dT")
        self.assertEqual(report["privacy"]["apps"][0]["app"], "C:#Program Files#Zoom#bin#Zoom.exe")

    def test_privacy_fixed_and_undone(self):
        self.mic()
        self.reg("add", CONSENT, "/v", "Value", "/t", "REG_SZ", "/d", "Deny", "/f")
        self.reg("add", CONSENT + r"\NonPackaged", "/v", "Value", "/t", "REG_SZ", "/d", "Deny", "/f")
        dry = self.json_of("fix", "--dry-run", expect=0)
        self.assertEqual([c["fix"] for c in dry["changes"]], ["privacy.allow_user", "privacy.allow_desktop_apps"])
        self.assertEqual(self.reg_value(CONSENT), "Deny")
        fix = self.json_of("fix", "--yes", expect=0)
        self.assertEqual([(c["fix"], c["status"], c["resolved"]) for c in fix["changes"]],
                         [("privacy.allow_user", "applied", True), ("privacy.allow_desktop_apps", "applied", True)])
        self.assertEqual((self.reg_value(CONSENT), self.reg_value(CONSENT + r"\NonPackaged")), ("Allow", "Allow"))
        self.assertEqual(self.json_of("check", expect=0)["findings"], [])
        journal = os.path.join(self.state_dir, "micdoctor", "journal.json")
        self.assertTrue(os.path.exists(journal))
        undo = self.json_of("undo", expect=0)
        self.assertEqual([e["result"] for r in undo["runs"] for e in r["entries"]], ["restored", "restored"])
        self.assertEqual((self.reg_value(CONSENT), self.reg_value(CONSENT + r"\NonPackaged")), ("Deny", "Deny"))

    def test_a_corrupt_journal_is_left_alone(self):
        self.mic()
        self.reg("add", CONSENT, "/v", "Value", "/t", "REG_SZ", "/d", "Deny", "/f")
        os.makedirs(os.path.join(self.state_dir, "micdoctor"))
        journal = os.path.join(self.state_dir, "micdoctor", "journal.json")
        with open(journal, "wb") as f:
            f.write(b'{"schema":"micdoctor.journal/1","runs":[{')
        p = self.run_exe("fix", "--yes")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("not valid JSON", p.stderr)
        self.assertEqual(self.reg_value(CONSENT), "Deny")
        with open(journal, "rb") as f:
            self.assertEqual(f.read(), b'{"schema":"micdoctor.journal/1","runs":[{')

    def play(self, mic, content):
        p = subprocess.Popen(["paplay", "--latency-msec=20", "-d", f"feed_{mic}", self.content[content]],
                             env=self.server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.players.append(p)
        time.sleep(0.3)

    def test_capture_of_fed_speech_and_of_silence(self):
        name, description = self.mic()
        report = self.json_of("check", expect=0)
        endpoint = self.endpoint(report, description)["id"]
        self.play(name, "clean")
        heard = self.json_of("test", "--device", endpoint, "--seconds", "3", expect=0)
        self.assertEqual(heard["signal"]["ending"], "completed")
        self.assertEqual([f["id"] for f in heard["signal"]["findings"]], ["signal.ok"])
        self.assertGreater(heard["signal"]["metrics"]["speech_level_dbfs"], -36)
        self.assertEqual(heard["signal"]["metrics"]["sample_rate"], 48000)
        for p in self.players:
            p.kill()
            p.wait()
        self.players = []
        silent = self.json_of("test", "--device", endpoint, "--seconds", "2", expect=1)
        self.assertIn("signal.digital_silence", [f["id"] for f in silent["signal"]["findings"]])
        self.play(name, "hum")
        hum = self.json_of("test", "--device", endpoint, "--seconds", "3", expect=1)
        self.assertIn("signal.hum", [f["id"] for f in hum["signal"]["findings"]])
        self.assertEqual(hum["signal"]["metrics"]["hum_hz"], 50)

    def recording_from_wine(self):
        outputs = self.server.pactl("list", "source-outputs")
        return "wine" in outputs.lower() or "micdoctor" in outputs.lower()

    def test_sessions_of_a_capturing_process_as_far_as_wine_lists_them(self):
        name, description = self.mic()
        endpoint = self.endpoint(self.json_of("check", expect=0), description)["id"]
        self.play(name, "clean")
        recorder = subprocess.Popen(["wine", EXE, "test", "--device", endpoint, "--seconds", "8"], env=self.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(recorder.wait)
        wait_until(self.recording_from_wine, 20, "micdoctor.exe test recording through Wine")
        report = self.json_of("check")
        error = report["server"]["sessions_error"]
        if error:
            # Wine 8: IAudioSessionManager2::GetSessionEnumerator is a stub
            # (E_NOTIMPL): said in the snapshot, no sessions, no finding.
            self.assertIn("0x80004001", error)
            self.assertEqual(report["streams"], [])
            self.assertNotIn("app.", " ".join(self.ids(report)))
        else:
            sessions = [s for s in report["streams"] if s["binary"].lower() == "micdoctor.exe"]
            self.assertEqual(len(sessions), 1, report["streams"])  # the recorder's; check's own is left out
            self.assertEqual((sessions[0]["source"], sessions[0]["session_state"], sessions[0]["application"]),
                             (endpoint, "active", "micdoctor"))
            self.assertTrue(sessions[0]["executable"].lower().endswith("micdoctor.exe"))

    def test_watch_meters_the_default_and_follows_a_default_change(self):
        name, description = self.mic()
        self.play(name, "clean")
        probe = Probe(self.env, "6")
        first = probe.next(lambda l: l["call"] == "state", "first state")
        default = first["default_source"]
        mic = [s["id"] for s in first["sources"] if s["description"] == description][0]
        self.assertNotEqual(default, mic)  # Wine's own "PulseAudio" endpoint follows the server
        started = probe.next(lambda l: l["call"] == "meter_start", "meter start")
        self.assertEqual((started["source"], started["sample_rate"]), (default, 48000))
        probe.next(lambda l: l["call"] == "audio" and l["frames"] >= 24000, "half a second of audio")
        # The user picks the microphone (as winecfg does): Wine notifies, the
        # watch reads the state again and meters the new default.
        self.reg("add", WINE_DEFAULTS, "/v", "DefaultInput", "/t", "REG_SZ", "/d", mic, "/f")
        self.addCleanup(self.reg, "delete", WINE_DEFAULTS, "/v", "DefaultInput", "/f", check=False)
        probe.next(lambda l: l["call"] == "state" and l["default_source"] == mic, "state with the new default")
        stopped = probe.next(lambda l: l["call"] == "meter_stop", "meter stop")
        self.assertEqual((stopped["source"], stopped["reason"]), (default, "the microphone to meter changed"))
        self.assertEqual(probe.next(lambda l: l["call"] == "meter_start", "meter start")["source"], mic)
        probe.next(lambda l: l["call"] == "audio" and l["frames"] >= 24000, "audio from the microphone")
        outcome = probe.next(lambda l: l["call"] == "outcome", "outcome")
        probe.finish()
        self.assertEqual(outcome["ending"], "completed")
        self.assertLess(abs(outcome["seconds"] - 6), 0.5)
        self.assertEqual([l["call"] for l in probe.seen].count("meter_start"), 2, probe.seen)

    def test_the_watch_command_follows_a_default_change(self):
        # `micdoctor watch` as a whole: the Windows watch feeding the shared
        # core, JSON Lines events, then the summary document.
        name, description = self.mic()
        self.play(name, "clean")
        mic = self.endpoint(self.json_of("check", expect=0), description)["id"]
        watch = Probe(self.env, "watch", "--duration", "6", "--format", "json", program=EXE)
        started = watch.next(lambda l: l.get("kind") == "meter.started", "meter.started")
        default = started["subject"]
        self.assertNotEqual(default, mic)
        self.assertEqual(started["details"]["sample_rate"], 48000)
        self.reg("add", WINE_DEFAULTS, "/v", "DefaultInput", "/t", "REG_SZ", "/d", mic, "/f")
        self.addCleanup(self.reg, "delete", WINE_DEFAULTS, "/v", "DefaultInput", "/f", check=False)
        changed = watch.next(lambda l: l.get("kind") == "default.changed", "default.changed")
        self.assertEqual((changed["from"], changed["to"]), (default, mic))
        self.assertEqual(watch.next(lambda l: l.get("kind") == "meter.started", "meter.started")["subject"], mic)
        summary = watch.next(lambda l: l.get("schema") == "micdoctor.check/1", "the summary")
        watch.finish()
        self.assertEqual(watch.process.returncode, 0)
        self.assertEqual((summary["platform"], summary["server"]["default_source"]), ("windows", mic))
        kinds = [l["kind"] for l in watch.seen if l.get("schema") == "micdoctor.event/1"]
        self.assertEqual([k for k in kinds if k != "signal.level"],
                         ["watch.started", "meter.started", "default.changed", "meter.stopped", "meter.started",
                          "meter.stopped", "watch.ended"])

    def test_watch_notices_the_server_dying_under_the_meter(self):
        # A server of its own (the class's one serves the other tests).
        server = PulseAudioServer()
        self.addCleanup(server.stop)
        server.add_microphone("dying", "Dying Microphone")
        server.set_default_source("dying")
        env = dict(self.env, PULSE_SERVER=server.env["PULSE_SERVER"])
        probe = Probe(env, "5")
        probe.next(lambda l: l["call"] == "audio" and l["frames"] >= 24000, "audio")
        server.stop()
        killed = time.monotonic()
        # Wine's capture usually goes quiet without an error: the watch says so
        # within about a second (1 s without a packet), tries once more, and
        # goes on. When winepulse notices the dead server first, it reports
        # the device invalidated instead (seen once in CI under load): a
        # microphone that disappeared. Either is said plainly, and in time.
        stopped = probe.next(lambda l: l["call"] == "meter_stop", "meter stop", timeout=5)
        self.assertLess(time.monotonic() - killed, 2.5)
        self.assertTrue(stopped["reason"].startswith(("the microphone stopped delivering audio",
                                                      "the microphone disappeared")), stopped)
        outcome = probe.next(lambda l: l["call"] == "outcome", "outcome")
        probe.finish()
        self.assertEqual(outcome["ending"], "completed")

    def test_bad_input_gets_a_clear_error(self):
        p = self.run_exe("test", "--device", "{no-such-endpoint}", "--seconds", "1")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no capture device", p.stderr)
        p = self.run_exe("analyze", "x.wav")  # analyze decodes with Media Foundation (test_wine_analyze.py)
        self.assertEqual(p.returncode, 2)
        self.assertIn("x.wav: no such file", p.stderr)
        fixture = windows_path(os.path.normpath(os.path.join(HERE, "..", "fixtures", "windows",
                                                                  "privacy_and_disabled.json")))
        report = self.json_of("check", "--snapshot", fixture, expect=1)
        self.assertIn("permission.desktop_apps_denied", self.ids(report))
        p = self.run_exe("check", "--snapshot", windows_path(HERE))
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a regular file", p.stderr)


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
