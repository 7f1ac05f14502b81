#!/usr/bin/python3
"""`micdoctor check` and `micdoctor devices` against real sound servers: a
private PulseAudio daemon and a private PipeWire stack, each scenario built
for real with pactl and parec. Usage: test_check_servers.py PATH/TO/micdoctor"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import PipeWireServer, PulseAudioServer, wait_until  # noqa: E402

MICDOCTOR = None
CONTENT = {}  # name -> WAV file, made once (test_mic_test.make_content), when a scenario first feeds speech


def speech_file(name="clean"):
    if not CONTENT:
        from test_mic_test import make_content
        CONTENT["dir"] = tempfile.TemporaryDirectory(prefix="micdoctor-speech-")
        CONTENT.update(make_content(CONTENT["dir"].name))
    return CONTENT[name]


def micdoctor(env, *args, timeout=20):
    start = time.monotonic()
    p = subprocess.run([MICDOCTOR, *args], env=env, capture_output=True, timeout=timeout)
    p.seconds = time.monotonic() - start
    return p


def check_json(env, *args):
    p = micdoctor(env, "check", "--format", "json", *args)
    if p.returncode == 2:
        raise AssertionError(f"check could not run: {p.stderr.decode(errors='replace')}")
    return p.returncode, json.loads(p.stdout)


def ids(report):
    return [f["id"] for f in report["findings"]]


def finding(report, finding_id):
    matches = [f for f in report["findings"] if f["id"] == finding_id]
    if not matches:
        raise AssertionError(f"{finding_id} not among {ids(report)}")
    return matches[0]


def problems(report):
    return [f["id"] for f in report["findings"] if f["severity"] != "info"]


class Scenarios:
    """Each scenario on each server: built, checked, torn down."""

    server_class = None
    count = 0

    @classmethod
    def setUpClass(cls):
        cls.server = cls.server_class()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.modules = []
        self.descriptions = {}
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        self.server.stop_clients()
        self.server.unload(self.modules)
        wait_until(lambda: set(self.server.source_names()) <= {"speakers.monitor"}, 5, "scenario sources gone")

    def mic(self, name="headset_mic", description="USB Headset Microphone", **kwargs):
        # Unique names and descriptions: WirePlumber restores volume and mute
        # of a virtual source from its earlier namesakes.
        Scenarios.count += 1
        name = f"{name}{Scenarios.count}"
        description = f"{description} {Scenarios.count}"
        self.descriptions[name] = description
        self.modules += self.server.add_microphone(name, description, **kwargs)
        return name

    def headset_as_default(self):
        name = self.mic()
        self.server.set_default_source(name)
        return name

    # -- scenarios ---------------------------------------------------------
    def test_healthy_headset_gives_no_problem(self):
        mic = self.headset_as_default()
        rc, report = check_json(self.server.env)
        self.assertEqual(problems(report), [], report["findings"])
        self.assertEqual(rc, 0)
        self.assertEqual(report["schema"], "micdoctor.check/1")
        self.assertTrue(report["server"]["reachable"])
        self.assertEqual(report["source_in_use"], mic)
        devices = {d["id"]: d for d in report["devices"]}
        self.assertEqual(devices[mic]["kind"], "microphone")
        self.assertEqual(devices[mic]["bus"], "usb")
        self.assertEqual(devices[mic]["description"], self.descriptions[mic])
        self.assertTrue(devices[mic]["is_default"])
        self.assertFalse(devices[mic]["muted"])
        self.assertAlmostEqual(devices[mic]["volume_percent"], 100, delta=0.5)
        self.assertEqual(devices["speakers.monitor"]["kind"], "monitor")
        self.assertFalse(devices["speakers.monitor"]["is_default"])

    def test_muted_source(self):
        mic = self.headset_as_default()
        self.server.pactl("set-source-mute", mic, "1")
        wait_until(lambda: self.server.source_field(mic, "Mute") == "yes", 5, "mute")
        rc, report = check_json(self.server.env)
        self.assertEqual(rc, 1)
        f = finding(report, "device.muted")
        self.assertEqual((f["severity"], f["step"], f["device"], f["fix"]), ("error", 2, mic, "source.unmute"))
        self.assertTrue(any(f"pactl set-source-mute '{mic}' 0" in s for s in f["manual_steps"]))
        self.assertEqual(problems(report), ["device.muted"])
        self.assertEqual(report["verdict"], f["title"])

    def test_low_volume(self):
        mic = self.headset_as_default()
        self.server.pactl("set-source-volume", mic, "20%")
        _, report = check_json(self.server.env)
        f = finding(report, "device.volume_low")
        self.assertEqual((f["severity"], f["fix"]), ("warning", "source.raise_volume"))
        self.assertIn("20 % (-41.9 dB)", f["detail"])
        self.server.pactl("set-source-volume", mic, "8%")
        _, report = check_json(self.server.env)
        self.assertEqual(finding(report, "device.volume_low")["severity"], "error")
        self.server.pactl("set-source-volume", mic, "30%")
        _, report = check_json(self.server.env)
        self.assertNotIn("device.volume_low", ids(report))

    def test_default_is_a_monitor(self):
        mic = self.mic()
        self.server.set_default_source("speakers.monitor")
        rc, report = check_json(self.server.env)
        self.assertEqual(rc, 1)
        f = finding(report, "default.is_monitor")
        self.assertEqual((f["severity"], f["step"], f["fix"]), ("error", 3, "default.set"))
        self.assertTrue(any(f"pactl set-default-source '{mic}'" in s for s in f["manual_steps"]))
        self.assertEqual(report["source_in_use"], mic)

    def test_default_is_built_in_while_headset_ready(self):
        builtin = self.mic("builtin_mic", "Built-in Audio Analog Stereo", bus="pci", form_factor="internal")
        headset = self.mic()
        self.server.set_default_source(builtin)
        rc, report = check_json(self.server.env)
        f = finding(report, "default.not_preferred")
        self.assertEqual((f["severity"], f["device"], f["fix"]), ("warning", builtin, "default.set"))
        self.assertTrue(any(headset in s for s in f["manual_steps"]))
        self.assertEqual(rc, 1)
        self.server.set_default_source(headset)
        rc, report = check_json(self.server.env)
        self.assertNotIn("default.not_preferred", ids(report))
        self.assertEqual(rc, 0)

    def test_only_monitors(self):
        rc, report = check_json(self.server.env)
        self.assertEqual(rc, 1)
        f = finding(report, "device.none")
        self.assertEqual((f["severity"], f["step"]), ("error", 2))
        self.assertIn("monitor", f["detail"])
        self.assertIsNone(report["source_in_use"])

    def test_application_stream_muted(self):
        mic = self.headset_as_default()
        stream = self.server.start_recorder(mic, "CallApp-muted")
        self.server.pactl("set-source-output-mute", str(stream), "1")
        _, report = check_json(self.server.env)
        f = finding(report, "app.stream_muted")
        self.assertEqual((f["severity"], f["step"], f["device"], f["fix"]),
                         ("error", 1, f"stream:{stream}", "stream.unmute"))
        self.assertIn("CallApp-muted", f["title"])
        streams = {s["index"]: s for s in report["streams"]}
        self.assertEqual(streams[stream]["application"], "CallApp-muted")
        self.assertEqual(streams[stream]["source"], mic)
        self.assertFalse(streams[stream]["from_module"])
        self.assertTrue(streams[stream]["muted"])
        # The remap module's own stream is not an application.
        self.assertTrue(any(s["from_module"] for s in report["streams"]))

    def test_application_stream_volume_low(self):
        mic = self.headset_as_default()
        stream = self.server.start_recorder(mic, "CallApp-quiet")
        self.server.pactl("set-source-output-volume", str(stream), "20%")
        _, report = check_json(self.server.env)
        f = finding(report, "app.stream_volume_low")
        self.assertEqual((f["severity"], f["device"], f["fix"]), ("warning", f"stream:{stream}", "stream.raise_volume"))
        self.assertNotIn("app.stream_muted", ids(report))

    def test_application_records_a_monitor(self):
        mic = self.headset_as_default()
        stream = self.server.start_recorder("speakers.monitor", "CallApp-wrong")
        _, report = check_json(self.server.env)
        f = finding(report, "app.wrong_source")
        self.assertEqual((f["severity"], f["step"], f["device"], f["fix"]),
                         ("error", 3, f"stream:{stream}", "stream.move"))
        self.assertTrue(any(f"pactl move-source-output {stream} '{mic}'" in s for s in f["manual_steps"]))

    def test_device_option_judges_the_named_source(self):
        self.headset_as_default()
        other = self.mic("webcam_mic", "HD Webcam C270 Mono", bus="usb", form_factor="webcam")
        self.server.pactl("set-source-mute", other, "1")
        wait_until(lambda: self.server.source_field(other, "Mute") == "yes", 5, "mute")
        _, report = check_json(self.server.env)
        self.assertNotIn("device.muted", ids(report))
        _, report = check_json(self.server.env, "--device", other)
        self.assertEqual(finding(report, "device.muted")["device"], other)
        self.assertEqual(report["source_in_use"], other)
        p = micdoctor(self.server.env, "check", "--device", "no-such-mic")
        self.assertEqual(p.returncode, 2)
        self.assertIn(b"no capture device 'no-such-mic'", p.stderr)

    def test_hostile_device_description_is_escaped(self):
        evil = "Evil \x1b[2J\x1b[31mMic"
        mic = self.mic("evil_mic", evil)
        self.server.set_default_source(mic)
        self.server.pactl("set-source-mute", mic, "1")
        p = micdoctor(self.server.env, "check", "-v")
        self.assertEqual(p.returncode, 1)
        self.assertNotIn(b"\x1b", p.stdout)
        self.assertIn(b"Evil \\x1B[2J\\x1B[31mMic", p.stdout)
        _, report = check_json(self.server.env)
        self.assertEqual({d["id"]: d for d in report["devices"]}[mic]["description"], self.descriptions[mic])
        p = micdoctor(self.server.env, "devices")
        self.assertNotIn(b"\x1b", p.stdout)

    def test_devices_lists_sources_with_the_default_marked(self):
        mic = self.headset_as_default()
        p = micdoctor(self.server.env, "devices")
        self.assertEqual(p.returncode, 0)
        lines = p.stdout.decode().splitlines()
        default_lines = [line for line in lines if line.lstrip().startswith("*")]
        self.assertEqual(len(default_lines), 1)
        self.assertIn(f"[{mic}]", default_lines[0])
        self.assertTrue(any("[speakers.monitor]" in line and "monitor" in line for line in lines))
        p = micdoctor(self.server.env, "devices", "--format", "json")
        j = json.loads(p.stdout)
        self.assertEqual(j["schema"], "micdoctor.devices/1")
        self.assertEqual([d["id"] for d in j["devices"] if d["is_default"]], [mic])

    def test_saved_report_checks_again_the_same(self):
        mic = self.headset_as_default()
        self.server.pactl("set-source-mute", mic, "1")
        self.server.start_recorder("speakers.monitor", "CallApp-saved")
        p = micdoctor(self.server.env, "check", "--format", "json")
        with tempfile.NamedTemporaryFile("wb", suffix=".json") as saved:
            saved.write(p.stdout)
            saved.flush()
            again = micdoctor({}, "check", "--format", "json", "--snapshot", saved.name)
        self.assertEqual(again.returncode, p.returncode)
        self.assertEqual(json.loads(again.stdout)["findings"], json.loads(p.stdout)["findings"])

    def test_check_changes_nothing(self):
        mic = self.headset_as_default()
        self.server.pactl("set-source-volume", mic, "20%")
        before = (self.server.pactl("list", "sources"), self.server.default_source())
        micdoctor(self.server.env, "check")
        micdoctor(self.server.env, "devices")
        self.assertEqual((self.server.pactl("list", "sources"), self.server.default_source()), before)


    # -- the verdict never contradicts itself (issue 12, item 3) -----------
    def feed_speech(self, mic):
        """Speech into the virtual microphone in real time, as a voice would; stopped at cleanup."""
        player = subprocess.Popen(["paplay", "--latency-msec=20", "-d", f"feed_{mic}", speech_file()],
                                  env=self.server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (player.kill(), player.wait()))
        # Playing: its sink input is listed (the audio itself may take a moment; the test waits for it).
        wait_until(lambda: "paplay" in self.server.pactl("list", "sink-inputs"), 5, "the speech feed")

    def step_line(self, text, step):
        lines = [line for line in text.splitlines() if f" {step}. " in line and not line.startswith(" ")]
        self.assertEqual(len(lines), 1, text)
        return lines[0]

    def speakers_look_like_a_sound_card(self):
        """PipeWire passes the speakers' device.bus to their monitor; PulseAudio gives a monitor only its
        sink's card, and a null sink has none: there "speakers" is a virtual output (soundserver.py)."""
        return self.server.name == "pipewire"

    def test_a_monitor_chosen_with_device_is_named_as_such(self):
        mic = self.headset_as_default()
        if not self.speakers_look_like_a_sound_card():
            self.skipTest("a null sink's monitor is a virtual output on PulseAudio: see the virtual microphone test")
        rc, report = check_json(self.server.env, "--device", "speakers.monitor")
        self.assertEqual(rc, 1)
        f = finding(report, "device.is_monitor")
        self.assertEqual((f["severity"], f["step"], f["device"], f["fix"]), ("error", 2, "speakers.monitor", None))
        self.assertTrue(any(f"micdoctor check --device '{mic}'" in s for s in f["manual_steps"]), f)
        self.assertEqual(problems(report), ["device.is_monitor"])
        self.assertEqual(report["verdict"], f["title"])
        text = micdoctor(self.server.env, "check", "--device", "speakers.monitor").stdout.decode()
        self.assertNotIn("Nothing is wrong", text)
        self.assertTrue(self.step_line(text, 5).startswith("[?]"), text)
        self.assertIn("not judged: the chosen device is a monitor", self.step_line(text, 5))
        # Also the default: one finding says both, with the fix for the default.
        self.server.set_default_source("speakers.monitor")
        rc, report = check_json(self.server.env, "--device", "speakers.monitor")
        self.assertEqual(problems(report), ["device.is_monitor"])
        self.assertEqual(finding(report, "device.is_monitor")["fix"], "default.set")
        self.assertIn("also the default input", finding(report, "device.is_monitor")["detail"])

    def test_a_virtual_microphone_made_from_a_monitor_is_a_warning_and_keeps_what_it_heard(self):
        # A null sink without a card, as OBS or PulseEffects_mic.monitor set-ups make, played into.
        self.modules.append(self.server.load_module("module-null-sink", "sink_name=obs_mix",
                                                    "sink_properties=device.description=OBS"))
        wait_until(lambda: "obs_mix.monitor" in self.server.source_names(), 5, "the virtual output's monitor")
        self.headset_as_default()
        rc, report = check_json(self.server.env, "--device", "obs_mix.monitor")
        f = finding(report, "device.is_monitor")
        self.assertEqual((f["severity"], f["step"]), ("warning", 2))
        self.assertIn("If this is a virtual microphone on purpose, this is expected.", f["detail"])
        self.assertNotIn("check.not_judged", ids(report))
        player = subprocess.Popen(["paplay", "-d", "obs_mix", speech_file()], env=self.server.env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (player.kill(), player.wait()))
        wait_until(lambda: "paplay" in self.server.pactl("list", "sink-inputs"), 5, "the feed")
        p = micdoctor(self.server.env, "test", "--seconds", "2", "--device", "obs_mix.monitor", "--format", "json")
        report = json.loads(p.stdout)
        heard = [x["id"] for x in report["signal"]["findings"]]
        self.assertNotIn("signal.digital_silence", heard)
        f = finding(report, "device.is_monitor")
        self.assertEqual((f["severity"], f["explains"]), ("warning", []))
        for signal_id in heard:  # every signal finding stands beside it
            self.assertIn(signal_id, ids(report))

    def test_the_silence_of_a_monitor_is_no_hardware_fault(self):
        self.headset_as_default()
        if not self.speakers_look_like_a_sound_card():
            self.skipTest("a null sink's monitor is a virtual output on PulseAudio")
        p = micdoctor(self.server.env, "test", "--seconds", "2", "--device", "speakers.monitor", "--format", "json")
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["signal"]["ending"], "completed")
        self.assertIn("signal.digital_silence", [x["id"] for x in report["signal"]["findings"]])  # what it heard
        self.assertEqual(problems(report), ["device.is_monitor"])
        f = finding(report, "device.is_monitor")
        self.assertIn("signal.digital_silence", f["explains"])
        self.assertFalse(any("every setting is on" in x["title"] for x in report["findings"]), report["findings"])
        hidden = finding(report, "check.not_judged")
        self.assertEqual((hidden["step"], hidden["severity"]), (5, "info"))

    def test_a_muted_microphone_leaves_the_hardware_unjudged(self):
        mic = self.headset_as_default()
        self.server.pactl("set-source-mute", mic, "1")
        wait_until(lambda: self.server.source_field(mic, "Mute") == "yes", 5, "mute")
        self.feed_speech(mic)
        p = micdoctor(self.server.env, "check", "--test", "3")
        self.assertEqual(p.returncode, 1, p.stderr)
        text = p.stdout.decode()
        line = self.step_line(text, 5)
        self.assertTrue(line.startswith("[?] 5. The hardware works (not judged: the microphone is muted"), text)
        self.assertTrue(self.step_line(text, 2).startswith("[x]"), text)

    def test_no_voice_at_a_low_volume_is_the_volume(self):
        mic = self.headset_as_default()
        self.feed_speech(mic)
        for volume in ("5%", "1%"):
            self.server.pactl("set-source-volume", mic, volume)
            p = micdoctor(self.server.env, "check", "--test", "3", "--format", "json")
            self.assertEqual(p.returncode, 1, p.stderr)
            report = json.loads(p.stdout)
            self.assertEqual(report["signal"]["ending"], "completed")
            heard = {x["id"] for x in report["signal"]["findings"]}
            # Whatever the recording showed (no voice, a quiet one, noise, or
            # zeros at 1 % on PulseAudio), the volume is the one problem.
            self.assertEqual(problems(report), ["device.volume_low"], (volume, report["findings"]))
            low = finding(report, "device.volume_low")
            self.assertEqual(low["severity"], "error")
            self.assertEqual(set(low["explains"]), heard - {"signal.ok"}, volume)
            hidden = [x for x in report["findings"] if x["id"] == "check.not_judged"]
            if heard & {"signal.no_speech", "signal.digital_silence"}:
                self.assertEqual([x["step"] for x in hidden], [5], volume)
            else:
                self.assertEqual(hidden, [], volume)  # a voice came through: the hardware works

    def test_verbose_names_every_stream_without_empty_parentheses(self):
        mic = self.headset_as_default()
        stream = self.server.start_recorder(mic, "CallApp-named")
        p = micdoctor(self.server.env, "check", "-v")
        text = p.stdout.decode()
        streams = text[text.index("Recording streams:"):]
        self.assertNotIn("()", streams)
        self.assertIn(f"#{stream} CallApp-named", streams)
        self.assertRegex(streams, r"#\d+ a sound server module from feed_")  # the remap module's own stream


class PulseAudioChecks(Scenarios, unittest.TestCase):
    server_class = PulseAudioServer

    def test_server_is_named(self):
        _, report = check_json(self.server.env)
        self.assertEqual(report["server"]["name"], "pulseaudio")


class PipeWireChecks(Scenarios, unittest.TestCase):
    server_class = PipeWireServer

    def test_server_is_named(self):
        _, report = check_json(self.server.env)
        self.assertIn("PipeWire", report["server"]["name"])

    def test_native_pipewire_recorder_muted(self):
        mic = self.headset_as_default()
        stream = self.server.start_recorder(mic, "CallApp-pw", tool="pw-record")
        self.server.pactl("set-source-output-mute", str(stream), "1")
        _, report = check_json(self.server.env)
        f = finding(report, "app.stream_muted")
        self.assertEqual(f["device"], f"stream:{stream}")
        self.assertIn("CallApp-pw", f["title"])


    def test_a_remembered_default_that_no_longer_exists(self):
        # WirePlumber remembers the default a person chose (default-nodes in
        # its state directory) and keeps it when that microphone goes away.
        gone = self.mic(name="alsa_input.usb-Test_Headset-00.analog-stereo", description="USB Headset")
        self.server.set_default_source(gone)
        state = os.path.join(self.server.env["XDG_STATE_HOME"], "wireplumber", "default-nodes")

        def remembered():
            try:
                with open(state) as f:
                    return f"default.configured.audio.source={gone}" in f.read()
            except OSError:
                return False
        wait_until(remembered, 10, "WirePlumber to remember the default")
        self.mic(name="builtin_mic", description="Built-in Microphone", bus="pci", form_factor="internal")
        self.server.unload(self.modules[:2])
        self.modules = self.modules[2:]
        wait_until(lambda: gone not in self.server.source_names(), 5, "the remembered microphone gone")
        wait_until(lambda: self.server.default_source() != gone, 5, "WirePlumber to fall back")
        self.assertTrue(remembered(), "WirePlumber forgot the configured default")
        # Unplugged: remembered on purpose, so it comes back as the default.
        _, report = check_json(self.server.env)
        f = finding(report, "default.stale")
        self.assertEqual((f["severity"], f["device"], f["fix"]), ("info", gone, None))
        self.assertIn(state, json.dumps(report["remembered_defaults"]))
        # The same headset under a new node name (its profile changed): the
        # remembered name never comes back.
        renamed = self.mic(name="alsa_input.usb-Test_Headset-00.mono-fallback", description="USB Headset")
        _, report = check_json(self.server.env)
        f = finding(report, "default.stale")
        self.assertEqual(f["severity"], "warning")
        self.assertIn(renamed, f["detail"])
        self.assertEqual(f["fix"], "default.set")


class NoServer(unittest.TestCase):
    def test_missing_server_is_a_finding_not_a_hang(self):
        with tempfile.TemporaryDirectory() as d:
            env = dict(os.environ, PULSE_SERVER=f"unix:{d}/no-such-socket", XDG_RUNTIME_DIR=d, HOME=d)
            p = micdoctor(env, "check", "--format", "json")
            self.assertEqual(p.returncode, 1, p.stderr)
            report = json.loads(p.stdout)
            self.assertFalse(report["server"]["reachable"])
            self.assertIn("no-such-socket", report["server"]["tried"])
            f = finding(report, "server.unreachable")
            self.assertEqual((f["severity"], f["step"]), ("error", 0))
            self.assertTrue(f["manual_steps"])
            self.assertLess(p.seconds, 2.5)
            text = micdoctor(env, "check")
            self.assertIn(b"not checked: no sound server", text.stdout)
            self.assertEqual(micdoctor(env, "devices").returncode, 2)

    def test_silent_server_gives_up_within_two_seconds(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "native")
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(path)
            listener.listen(8)
            accepted = []
            threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
            env = dict(os.environ, PULSE_SERVER=f"unix:{path}", XDG_RUNTIME_DIR=d, HOME=d)
            p = micdoctor(env, "check", "--format", "json", timeout=10)
            listener.close()
            self.assertEqual(p.returncode, 1)
            report = json.loads(p.stdout)
            self.assertIn("no answer within", report["server"]["error"])
            self.assertIn("server.unreachable", ids(report))
            self.assertLess(p.seconds, 3.0)


class BadSnapshots(unittest.TestCase):
    def run_snapshot(self, path):
        p = micdoctor({}, "check", "--snapshot", path, timeout=10)
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        return p.stderr.decode()

    def test_bad_files_get_one_line(self):
        with tempfile.TemporaryDirectory() as d:
            self.assertIn("cannot open", self.run_snapshot(os.path.join(d, "missing.json")))
            self.assertIn("not a regular file", self.run_snapshot(d))
            fifo = os.path.join(d, "fifo")
            os.mkfifo(fifo)
            self.assertIn("not a regular file", self.run_snapshot(fifo))
            cases = {
                "garbage.json": (b"\x00\xffnot json", "not valid JSON"),
                "schema.json": (b'{"schema":"micdoctor.check/9"}', "schema"),
                "deep.json": (b'{"schema":"micdoctor.snapshot/1","x":' + b"[" * 5000 + b"]" * 5000 + b"}", "nested"),
                "type.json": (b'{"schema":"micdoctor.snapshot/1","devices":[{"id":"a","kind":"microphone","muted":"yes"}]}',
                              "devices[0].muted"),
                "range.json": (b'{"schema":"micdoctor.snapshot/1","devices":[{"id":"a","volume_percent":1e308}]}',
                               "devices[0].volume_percent: out of range"),
            }
            for name, (content, expected) in cases.items():
                path = os.path.join(d, name)
                with open(path, "wb") as f:
                    f.write(content)
                self.assertIn(expected, self.run_snapshot(path), name)


class ServerFaults(unittest.TestCase):
    """A sound server that hangs (SIGSTOP) or dies during a microphone test, on
    PulseAudio and on PipeWire: named as what it is, with advice for the
    server that is actually in use, and every wait bounded."""

    def start(self, kind):
        server = PulseAudioServer() if kind == "pulseaudio" else PipeWireServer()
        self.addCleanup(server.stop)
        # The process behind the pulse socket: pulseaudio itself, or pipewire-pulse.
        holder = server.processes[0] if kind == "pulseaudio" else server.processes[-1]
        return server, holder

    def check_a_frozen_server(self, kind, program, advice, wrong_advice):
        server, holder = self.start(kind)
        os.kill(holder.pid, signal.SIGSTOP)
        self.addCleanup(os.kill, holder.pid, signal.SIGCONT)  # runs before server.stop
        p = micdoctor(server.env, "check", "--format", "json", timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertLess(p.seconds, 4.0)
        report = json.loads(p.stdout)
        error = report["server"]["error"]
        self.assertIn("no answer within", error)
        self.assertIn(f"from {program} (pid {holder.pid}, which is stopped", error)
        self.assertEqual(report["server"]["listener"], program)
        f = finding(report, "server.unreachable")
        self.assertIn("does not answer", f["title"])
        self.assertNotIn("No sound server", f["title"])
        steps = " ".join(f["manual_steps"])
        self.assertIn(advice, steps)
        self.assertNotIn(wrong_advice, steps)
        text = micdoctor(server.env, "check", timeout=20)
        self.assertIn(b"The sound server does not answer", text.stdout)

    def test_a_frozen_pulseaudio_is_named_and_pulseaudio_restarted(self):
        self.check_a_frozen_server("pulseaudio", "pulseaudio", "systemctl --user restart pulseaudio", "pipewire")

    def test_a_frozen_pipewire_is_named_and_pipewire_restarted(self):
        self.check_a_frozen_server("pipewire", "pipewire-pulse", "restart pipewire pipewire-pulse wireplumber",
                                   "restart pulseaudio")

    def check_a_server_that_dies_during_the_test(self, kind, advice, wrong_advice):
        server, holder = self.start(kind)
        server.add_microphone("dyingmic", "USB Headset Microphone")
        server.set_default_source("dyingmic")
        start = time.monotonic()
        # --full: a microphone fed nothing is certain to be silent after 1 s (issue 16).
        test = subprocess.Popen([MICDOCTOR, "test", "--seconds", "20", "--full", "--format", "json"], env=server.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(lambda: test.poll() is None and test.kill())
        wait_until(lambda: "application.name = \"micdoctor\"" in server.pactl("list", "source-outputs", check=False),
                   10, "micdoctor's recording stream")
        holder.kill()
        holder.wait()
        out, err = test.communicate(timeout=20)
        self.assertLess(time.monotonic() - start, 15.0)  # it did not wait out the 20 s
        self.assertEqual(test.returncode, 2, err)
        report = json.loads(out)
        f = finding(report, "test.failed")
        self.assertIn("sound server stopped during the microphone test", f["title"])
        self.assertNotIn("plugged in", json.dumps(report))
        # Step 0 says so, with the advice to start the server that was running again.
        steps = " ".join(finding(report, "server.unreachable")["manual_steps"])
        self.assertIn(advice, steps)
        self.assertNotIn(wrong_advice, steps)
        self.assertIn(b"the sound server stopped during the test", err)

    def test_a_save_path_that_cannot_be_written_fails_before_recording(self):
        server, _ = self.start("pulseaudio")
        server.add_microphone("savemic", "USB Headset Microphone")
        server.set_default_source("savemic")
        missing = os.path.join(server.dir, "no-such-dir")
        p = micdoctor(server.env, "test", "--seconds", "10", "--save", os.path.join(missing, "x.wav"), timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertLess(p.seconds, 3.0)  # it did not listen for the 10 s first
        self.assertEqual(p.stderr.decode().strip(),
                         f"micdoctor: --save: cannot write {missing}/x.wav (no such directory: {missing})")

    def test_pulseaudio_dying_during_the_test_is_named(self):
        self.check_a_server_that_dies_during_the_test("pulseaudio", "systemctl --user restart pulseaudio", "pipewire")

    def test_pipewire_dying_during_the_test_is_named(self):
        self.check_a_server_that_dies_during_the_test("pipewire", "restart pipewire pipewire-pulse wireplumber",
                                                      "restart pulseaudio")

    # Socket activation (Debian 12): systemd --user holds the server's listening
    # socket beside the server. A stand-in for it: a process named "systemd"
    # (prctl PR_SET_NAME) that holds the same socket, started before the server
    # so that it comes first in pid order, as systemd does.
    def activation_socket(self):
        d = tempfile.mkdtemp()
        self.addCleanup(subprocess.run, ["rm", "-rf", d])
        path = os.path.join(d, "native")
        listening = socket.socket(socket.AF_UNIX)
        listening.bind(path)
        listening.listen(16)
        self.addCleanup(listening.close)
        manager = subprocess.Popen([sys.executable, "-c", "import ctypes, sys; ctypes.CDLL(None).prctl(15, b'systemd', 0, 0, 0); "
                                    "print(flush=True); sys.stdin.read()"], pass_fds=[listening.fileno()],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.addCleanup(lambda: (manager.kill(), manager.wait()))
        manager.stdout.readline()  # it has named itself
        env = dict(os.environ, PULSE_SERVER="unix:" + path, HOME=d, XDG_RUNTIME_DIR=d)
        return d, path, listening, manager, env

    def test_a_stopped_socket_activated_server_is_named_not_systemd(self):
        d, path, listening, manager, env = self.activation_socket()
        conf = os.path.join(d, "default.pa")
        with open(conf, "w") as f:
            f.write(f"load-module module-native-protocol-unix auth-anonymous=1 socket={path}\n")
        fd = listening.fileno()
        # The server takes the socket as systemd passes it: fd 3 with LISTEN_FDS and LISTEN_PID.
        server = subprocess.Popen(["sh", "-c", f"exec 3<&{fd}; LISTEN_PID=$$ LISTEN_FDS=1 exec pulseaudio -n -F {conf} "
                                   "--daemonize=no --exit-idle-time=-1 --disallow-exit --log-target=stderr"],
                                  pass_fds=[fd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (server.kill(), server.wait()))
        listening.close()  # only the manager and the server hold it now, as under systemd
        wait_until(lambda: subprocess.run(["pactl", "info"], env=env, capture_output=True, timeout=10).returncode == 0,
                   10, "the socket-activated pulseaudio")
        self.assertLess(manager.pid, server.pid)
        os.kill(server.pid, signal.SIGSTOP)
        self.addCleanup(os.kill, server.pid, signal.SIGCONT)
        p = micdoctor(env, "check", "--format", "json", timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertIn(f"from pulseaudio (pid {server.pid}, which is stopped", report["server"]["error"])
        self.assertEqual(report["server"]["listener"], "pulseaudio")
        steps = " ".join(finding(report, "server.unreachable")["manual_steps"])
        self.assertIn("systemctl --user restart pulseaudio", steps)
        self.assertNotIn("systemd,", steps)

    def test_systemd_alone_on_the_socket_means_the_service_behind_it_does_not_answer(self):
        _, _, listening, manager, env = self.activation_socket()
        listening.close()  # the manager alone holds it: no service was started
        p = micdoctor(env, "check", "--format", "json", timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertIn(f"only systemd (pid {manager.pid}) holds its socket", report["server"]["error"])
        f = finding(report, "server.unreachable")
        self.assertIn("the socket unit answers, but the service behind it does not", f["detail"])
        steps = " ".join(f["manual_steps"])
        self.assertIn("systemctl --user restart pipewire-pulse", steps)  # pipewire-pulse is installed here
        self.assertNotIn("Restart systemd", steps)

    def test_a_server_that_refuses_the_connection_is_not_called_hung(self):
        # PulseAudio running as another user (nobody) that only admits clients
        # with its cookie: micdoctor (root, who can see the socket's holder) is
        # refused with "Access denied", an answer, not a hang.
        if os.geteuid() != 0:
            self.skipTest("needs root to run the server as another user")
        d = tempfile.mkdtemp()
        self.addCleanup(subprocess.run, ["rm", "-rf", d])
        os.chmod(d, 0o755)
        os.chown(d, 65534, 65534)
        cookie = os.path.join(d, "cookie")
        with open(cookie, "wb") as f:
            f.write(os.urandom(256))
        os.chown(cookie, 65534, 65534)
        path = os.path.join(d, "native")
        conf = os.path.join(d, "default.pa")
        with open(conf, "w") as f:
            f.write(f"load-module module-native-protocol-unix auth-anonymous=0 auth-cookie-enabled=1 "
                    f"auth-cookie={cookie} socket={path}\n")

        def as_nobody():
            os.setgid(65534)
            os.setuid(65534)
        server = subprocess.Popen(["pulseaudio", "-n", "-F", conf, "--daemonize=no", "--exit-idle-time=-1",
                                   "--disallow-exit", "--log-target=stderr"],
                                  env=dict(os.environ, HOME=d, XDG_RUNTIME_DIR=d), preexec_fn=as_nobody,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: (server.kill(), server.wait()))
        wrong_cookie = os.path.join(d, "wrong-cookie")
        with open(wrong_cookie, "wb") as f:
            f.write(os.urandom(256))
        env = dict(os.environ, PULSE_SERVER="unix:" + path, PULSE_COOKIE=wrong_cookie)
        wait_until(lambda: b"Access denied" in subprocess.run(["pactl", "info"], env=env, capture_output=True,
                                                              timeout=10).stderr, 10, "pulseaudio refusing pactl")
        p = micdoctor(env, "check", "--format", "json", timeout=20)
        self.assertEqual(p.returncode, 1, p.stderr)
        report = json.loads(p.stdout)
        self.assertEqual(report["server"]["error"], "Access denied")
        self.assertNotIn("listener", report["server"])
        f = finding(report, "server.unreachable")
        self.assertNotIn("hung or paused", f["detail"])
        self.assertNotIn("does not answer", f["title"])


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
