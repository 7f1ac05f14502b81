#!/usr/bin/python3
"""The microphone test against real servers: a virtual microphone fed in real
time by paplay (the null sink behind the remap source) with known content,
then `micdoctor check --test 3 --format json`; and the faults a test meets
(the source removed, the server stopped or killed, the stream suspended).
The quicker verdict (issue 16): a muted microphone and one fed real human
speech stop as soon as the verdict is certain, a hum or noise listens on.
Usage: test_mic_test.py PATH/TO/micdoctor [pulseaudio|pipewire]"""
import json
import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import PipeWireServer, PulseAudioServer, wait_until  # noqa: E402

MICDOCTOR = None
SERVER = None
CONTENT = {}

# Real human speech: alsa-utils' recorded voice clips, one after the other.
HUMAN_SPEECH = ["/usr/share/sounds/alsa/%s.wav" % clip for clip in
                ("Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right",
                 "Side_Left", "Side_Right")]
SENTENCES = ("Hello, can you hear me? I am testing my microphone before the meeting starts. "
             "Please tell me if the sound is clear, or if I should move closer.")


def make_content(directory):
    """Speech at about -27 dBFS over a -70 dBFS hiss, and its faulty versions, 48 kHz mono, 20 s."""
    env = dict(os.environ, SOX_OPTS="-V1")

    def sox(*args):
        subprocess.run(["sox", *args], check=True, env=env, cwd=directory, timeout=60)

    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", "voice.wav", SENTENCES], check=True,
                   cwd=directory, timeout=60)
    sox("-n", "-r", "48000", "-c", "1", "noise.wav", "synth", "22", "pinknoise", "vol", "0.0003")
    sox("voice.wav", "-r", "48000", "speech.wav", "norm", "-8", "pad", "0.3", "0.3", "repeat", "3")
    sox("-m", "-v", "1", "speech.wav", "-v", "1", "noise.wav", "-b", "16", "clean.wav", "trim", "0", "20")
    sox("clean.wav", "clipped.wav", "gain", "14")
    sox("-m", "clean.wav", "|sox -n -r 48000 -c 1 -p synth 20 sine 50 vol 0.05", "hum.wav")
    sox("clean.wav", "narrowband.wav", "sinc", "-3.4k")
    sox("clean.wav", "quiet.wav", "gain", "-38")
    sox("-m", "clean.wav", "|sox -n -r 48000 -c 1 -p synth 20 pinknoise vol 0.1", "noisy.wav")
    # Real human speech (alsa-utils' recorded voices, with their natural
    # pauses) at a speaking level over the same hiss.
    sox(*HUMAN_SPEECH, "-r", "48000", "-c", "1", "reading.wav", "norm", "-10", "repeat", "1")
    sox("-m", "-v", "1", "reading.wav", "-v", "1", "noise.wav", "-b", "16", "human.wav", "trim", "0", "20")
    # A device waking up: 2 s of exact zeros before the voice.
    sox("-n", "-r", "48000", "-c", "1", "-b", "16", "zeros.wav", "trim", "0", "2")
    sox("zeros.wav", "human.wav", "late.wav")
    return {name: os.path.join(directory, f"{name}.wav") for name in
            ("clean", "clipped", "hum", "narrowband", "quiet", "noisy", "human", "late")}


def micdoctor(env, *args, timeout=30):
    start = time.monotonic()
    p = subprocess.run([MICDOCTOR, *args], env=env, capture_output=True, timeout=timeout)
    p.seconds = time.monotonic() - start
    return p


def ids(report):
    return [f["id"] for f in report["findings"]]


def finding(report, finding_id):
    for f in report["findings"]:
        if f["id"] == finding_id:
            return f
    # What was recorded, so that a failure on a loaded machine says whether
    # the test heard the wrong source, a late feed or a wrong verdict.
    heard = report.get("signal") or {}
    metrics = {k: (heard.get("metrics") or {}).get(k) for k in
               ("bandwidth_hz", "speech_level_dbfs", "noise_floor_dbfs", "zero_fraction", "dropouts")}
    raise AssertionError(f"{finding_id} not among {ids(report)}; recorded {heard.get('source')!r} for "
                         f"{heard.get('seconds')} s ({heard.get('stopped', 'to the end')}), {metrics}")


def problems(report):
    return [f["id"] for f in report["findings"] if f["severity"] != "info"]


class MicTest(unittest.TestCase):
    count = 0

    @classmethod
    def setUpClass(cls):
        cls.server = SERVER()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.modules = []
        self.players = []
        self.addCleanup(self.cleanup)

    def cleanup(self):
        for p in self.players:
            p.kill()
            p.wait()
        self.server.stop_clients()
        self.server.unload(self.modules)

    def mic(self, bus="usb", form_factor="headset", description="USB Headset Microphone"):
        MicTest.count += 1
        name = f"testmic{MicTest.count}"
        # Unique descriptions: WirePlumber restores volume and mute by them.
        self.modules += self.server.add_microphone(name, f"{description} {MicTest.count}", bus=bus,
                                                   form_factor=form_factor)
        self.server.set_default_source(name)
        return name

    def play(self, mic, content):
        """Feeds the microphone in real time, as a voice would."""
        self.start_feed(["paplay", "--latency-msec=20", "-d", f"feed_{mic}", CONTENT[content]])

    def start_feed(self, argv):
        """Starts a player and waits until its stream plays on the server
        (on a busy machine a fixed pause may end before it does)."""
        p = subprocess.Popen(argv, env=self.server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.players.append(p)
        wait_until(lambda: f'application.process.id = "{p.pid}"' in self.server.pactl("list", "sink-inputs"),
                   10, "the feed playing")

    def run_test_json(self, *extra, seconds="3"):
        p = micdoctor(self.server.env, "check", "--test", seconds, "--format", "json", *extra)
        self.assertIn(p.returncode, (0, 1), p.stderr.decode(errors="replace"))
        report = json.loads(p.stdout)
        self.assertEqual(report["signal"]["ending"], "completed")
        return p.returncode, report

    # -- what it hears, joined with the state ------------------------------
    def listening(self):
        """Whether micdoctor's recording stream is open on the server."""
        return 'application.name = "micdoctor"' in self.server.pactl("list", "source-outputs")

    def test_clean_speech(self):
        mic = self.mic()
        # As a person does it: the test listens, then they speak. The feed
        # starts once micdoctor records, so the recording holds the feed's
        # opening pause, however long micdoctor took to start (a test that
        # begins mid-sentence: docs/microphone-test.md, "Known limits").
        test = subprocess.Popen([MICDOCTOR, "check", "--test", "3", "--format", "json"], env=self.server.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_until(self.listening, 10, "micdoctor recording")
            self.play(mic, "clean")
            out, err = test.communicate(timeout=30)
        finally:
            test.kill()
            test.wait()
        rc = test.returncode
        self.assertIn(rc, (0, 1), err.decode(errors="replace"))
        report = json.loads(out)
        self.assertEqual(report["signal"]["ending"], "completed")
        self.assertEqual(problems(report), [], report["findings"])
        self.assertEqual(rc, 0)
        signal_part = report["signal"]
        self.assertEqual(signal_part["source"], mic)
        # Certain before the 3 s (issue 16), or else all of them.
        if signal_part.get("stopped") == "verdict_certain":
            self.assertGreaterEqual(signal_part["seconds"], 2.0)
            self.assertLess(signal_part["seconds"], 3.0)
        else:
            self.assertAlmostEqual(signal_part["seconds"], 3.0, delta=0.01)
        self.assertEqual([f["id"] for f in signal_part["findings"]], ["signal.ok"])
        self.assertGreater(signal_part["metrics"]["speech_level_dbfs"], -34)
        self.assertLess(signal_part["metrics"]["speech_level_dbfs"], -20)
        self.assertEqual(finding(report, "signal.ok")["step"], 5)

    def test_nothing_from_a_source_that_is_on(self):
        self.mic()  # nothing plays: the monitor delivers exact zeros
        rc, report = self.run_test_json()
        self.assertEqual(rc, 1)
        f = finding(report, "signal.digital_silence")
        self.assertIn("although every setting is on", f["title"])
        self.assertEqual(f["explains"], ["signal.no_speech"])
        self.assertNotIn("signal.no_speech", ids(report))
        self.assertEqual(report["verdict"], f["title"])
        # Nothing in the settings explains the zeros: it listened to the end.
        self.assertNotIn("stopped", report["signal"])
        self.assertAlmostEqual(report["signal"]["seconds"], 3.0, delta=0.01)

    def test_muted_source_is_the_cause_of_silence(self):
        mic = self.mic()
        self.server.pactl("set-source-mute", mic, "1")
        self.play(mic, "clean")
        _, report = self.run_test_json()
        f = finding(report, "device.muted")
        self.assertIn("signal.digital_silence", f["explains"])
        self.assertNotIn("signal.digital_silence", ids(report))
        self.assertNotIn("signal.no_speech", ids(report))
        self.assertIn("digital silence", f["detail"])
        self.assertEqual(report["verdict"], f["title"])
        # The analyser's own view stays in the signal part.
        self.assertIn("signal.digital_silence", [x["id"] for x in report["signal"]["findings"]])

    def test_clipped_speech(self):
        mic = self.mic()
        self.play(mic, "clipped")
        _, report = self.run_test_json()
        f = finding(report, "signal.clipping")
        self.assertIsNone(f["fix"])
        self.assertGreater(report["signal"]["metrics"]["clipped_fraction"], 0.001)

    def test_clipping_with_volume_above_unity_says_lower_it(self):
        mic = self.mic()
        self.server.pactl("set-source-volume", mic, "150%")
        self.play(mic, "clipped")
        _, report = self.run_test_json()
        f = finding(report, "signal.clipping")
        self.assertEqual(f["fix"], "source.lower_volume")
        self.assertTrue(any(f"pactl set-source-volume '{mic}' 100%" in s for s in f["manual_steps"]))

    def test_mains_hum(self):
        mic = self.mic()
        self.play(mic, "hum")
        _, report = self.run_test_json()
        finding(report, "signal.hum")
        self.assertEqual(report["signal"]["metrics"]["hum_hz"], 50)

    def test_band_limited_speech_from_a_bluetooth_headset(self):
        mic = self.mic(bus="bluetooth", description="WH-1000XM4")
        self.play(mic, "narrowband")
        _, report = self.run_test_json()
        f = finding(report, "signal.narrowband")
        self.assertIn("Bluetooth", f["title"])
        self.assertLess(report["signal"]["metrics"]["bandwidth_hz"], 4500)

    def test_band_limited_speech_from_usb_is_not_blamed_on_bluetooth(self):
        mic = self.mic()
        self.play(mic, "narrowband")
        _, report = self.run_test_json()
        self.assertNotIn("Bluetooth", finding(report, "signal.narrowband")["title"])

    def test_quiet_because_the_volume_is_low(self):
        mic = self.mic()
        self.server.pactl("set-source-volume", mic, "20%")
        self.play(mic, "clean")
        _, report = self.run_test_json()
        f = finding(report, "device.volume_low")
        self.assertEqual(f["severity"], "error")
        self.assertIn("signal.too_quiet", f["explains"])
        self.assertNotIn("signal.too_quiet", ids(report))
        self.assertEqual(f["fix"], "source.raise_volume")

    def test_quiet_at_full_volume(self):
        mic = self.mic()
        self.play(mic, "quiet")
        _, report = self.run_test_json()
        f = finding(report, "signal.too_quiet")
        self.assertIn("already at 100 %", f["detail"])
        self.assertIsNone(f["fix"])
        self.assertNotIn("device.volume_low", ids(report))

    # -- the person's side --------------------------------------------------
    def test_a_voice_on_input_three_of_a_four_input_interface(self):
        # A multi-input USB interface: the microphone is plugged into input 3,
        # inputs 1 and 2 (what most apps record) are silent.
        MicTest.count += 1
        name = f"interface{MicTest.count}"
        # Interface inputs have no place in space: aux channels, never remixed.
        channel_map = "aux0,aux1,aux2,aux3"
        self.modules += [
            self.server.load_module("module-null-sink", f"sink_name=feed_{name}", "rate=48000", "channels=4",
                                    f"channel_map={channel_map}"),
            self.server.load_module("module-remap-source", f"source_name={name}", f"master=feed_{name}.monitor",
                                    "rate=48000", "channels=4", f"channel_map={channel_map}",
                                    f"master_channel_map={channel_map}",
                                    f"source_properties='device.description=\"Four Input Interface {MicTest.count}\" "
                                    "device.bus=usb device.form_factor=microphone'")]
        self.modules.reverse()  # the remap source goes before its feed
        wait_until(lambda: name in self.server.source_names(), 5, f"source {name}")
        self.server.set_default_source(name)
        four = os.path.join(os.path.dirname(CONTENT["clean"]), "input3.wav")
        if not os.path.exists(four):
            subprocess.run(["sox", "-V1", CONTENT["clean"], four, "remix", "0", "0", "1", "0"], check=True, timeout=60)
        self.start_feed(["paplay", "--latency-msec=20", f"--channel-map={channel_map}", "-d", f"feed_{name}", four])
        _, report = self.run_test_json()
        self.assertEqual(report["signal"]["metrics"]["channels"], 4)
        f = finding(report, "signal.mic_on_other_channel")
        self.assertIn("3", f["title"] + f["detail"])
        self.assertNotIn("signal.dead_channel", ids(report))

    def test_ctrl_c_stops_early_and_still_reports(self):
        mic = self.mic()
        self.play(mic, "clean")
        p = subprocess.Popen([MICDOCTOR, "test", "--seconds", "10", "--full", "--format", "json"],
                             env=self.server.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        # The person presses Ctrl-C 3 s into the recording, however long a
        # busy machine took to start it (PulseAudio's remap source over a
        # null sink delivers its first audio about 2 s after it opens).
        wait_until(self.listening, 10, "micdoctor recording")
        time.sleep(3.0)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=5)
        self.assertIn(p.returncode, (0, 1), err)
        report = json.loads(out)
        self.assertEqual(report["signal"]["ending"], "interrupted")
        self.assertNotIn("stopped", report["signal"])  # a person's Ctrl-C, not a certain verdict
        self.assertGreater(report["signal"]["seconds"], 0.2)
        self.assertLess(report["signal"]["seconds"], 5)
        self.assertIn("metrics", report["signal"])

    def test_audio_stays_in_memory_unless_saved(self):
        mic = self.mic()
        self.play(mic, "clean")
        with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as tmp:
            env = dict(self.server.env, TMPDIR=tmp)
            p = subprocess.run([MICDOCTOR, "test", "--seconds", "1"], env=env, cwd=work, capture_output=True,
                               timeout=30)
            self.assertIn(p.returncode, (0, 1))
            self.assertEqual(os.listdir(work) + os.listdir(tmp), [])
            saved = os.path.join(work, "take.wav")
            p = subprocess.run([MICDOCTOR, "test", "--seconds", "1.5", "--save", saved, "--format", "json"],
                               env=env, cwd=work, capture_output=True, timeout=30)
            self.assertIn(p.returncode, (0, 1), p.stderr)
            self.assertEqual(os.listdir(work), ["take.wav"])
            report = json.loads(p.stdout)
            with open(saved, "rb") as f:
                header = f.read(44)
            self.assertEqual(header[:4], b"RIFF")
            info = subprocess.run(["soxi", "-r", saved], capture_output=True, text=True).stdout.strip()
            self.assertEqual(int(info), report["signal"]["metrics"]["sample_rate"])
            duration = float(subprocess.run(["soxi", "-D", saved], capture_output=True, text=True).stdout)
            self.assertAlmostEqual(duration, 1.5, delta=0.01)

    def test_meter_on_a_terminal_and_nothing_animated_otherwise(self):
        mic = self.mic()
        self.play(mic, "clean")
        pid, fd = pty.fork()
        if pid == 0:
            os.environ.clear()
            os.environ.update(self.server.env)
            os.execv(MICDOCTOR, [MICDOCTOR, "test", "--seconds", "2"])
        output = b""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        os.waitpid(pid, 0)
        os.close(fd)
        self.assertIn(b"Say a sentence now", output)
        self.assertGreaterEqual(output.count(b"dBFS  "), 10, output[-2000:])  # redrawn about 20 times a second
        self.assertIn(b"\r", output)
        self.assertIn(b"s left", output)
        self.assertIn(b"listened to for 2.0 s", output)
        p = micdoctor(self.server.env, "test", "--seconds", "1")
        self.assertNotIn(b"\r", p.stderr + p.stdout)
        self.assertNotIn(b"Say a sentence", p.stderr + p.stdout)

    # -- faults: a clear error and an exit within 2 seconds -----------------
    def run_with_fault(self, fault, after=1.5):
        mic = self.mic()
        self.play(mic, "clean")
        # --full: clean speech would be certain before a fault 3 s in.
        p = subprocess.Popen([MICDOCTOR, "check", "--test", "8", "--full", "--format", "json"], env=self.server.env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(after)
        fault(mic)
        faulted = time.monotonic()
        out, err = p.communicate(timeout=10)
        return p.returncode, json.loads(out), err.decode(), time.monotonic() - faulted

    def test_source_removed_mid_test(self):
        def unplug(mic):
            self.server.unload(self.modules[:1])  # the remap source
            self.modules = self.modules[1:]
        rc, report, err, seconds = self.run_with_fault(unplug)
        self.assertEqual(rc, 2)
        self.assertIn("disappeared", err)
        self.assertEqual(len(err.strip().splitlines()), 1, err)
        self.assertLess(seconds, 2.0)
        self.assertEqual(report["signal"]["ending"], "failed")
        self.assertIn("disappeared", report["signal"]["error"])
        self.assertEqual(finding(report, "test.failed")["step"], 5)

    def test_stalled_stream(self):
        process = self.server.processes[-1]  # the process that speaks the pulse protocol

        def stall(mic):
            os.kill(process.pid, signal.SIGSTOP)
        try:
            # 3 s in, the audio is flowing (a virtual source's first audio can take 2 s).
            rc, report, err, seconds = self.run_with_fault(stall, after=3.0)
        finally:
            os.kill(process.pid, signal.SIGCONT)
        self.assertEqual(rc, 2)
        self.assertIn("stopped delivering audio", err)
        self.assertLess(seconds, 2.0)  # audio was flowing: 1.5 s without it is a stall

    # -- issue 16: the quicker verdict ---------------------------------------
    def quick_test(self, *extra):
        p = micdoctor(self.server.env, "test", "--format", "json", *extra)  # at most the default 5 s
        self.assertIn(p.returncode, (0, 1), p.stderr.decode(errors="replace"))
        report = json.loads(p.stdout)
        self.assertEqual(report["signal"]["ending"], "completed")
        return report

    def test_a_muted_microphone_is_certain_after_a_second(self):
        mic = self.mic()
        self.server.pactl("set-source-mute", mic, "1")
        wait_until(lambda: self.server.source_field(mic, "Mute") == "yes", 5, "mute")
        self.play(mic, "human")
        report = self.quick_test()
        self.assertEqual(report["signal"]["stopped"], "verdict_certain")
        self.assertAlmostEqual(report["signal"]["seconds"], 1.0, delta=0.01)
        self.assertIn("signal.digital_silence", finding(report, "device.muted")["explains"])
        # The same verdict when it listens to the end.
        full = micdoctor(self.server.env, "test", "--format", "json", "--full")
        full_report = json.loads(full.stdout)
        self.assertNotIn("stopped", full_report["signal"])
        self.assertAlmostEqual(full_report["signal"]["seconds"], 5.0, delta=0.01)
        self.assertEqual(problems(full_report), problems(report))

    def test_a_working_microphone_fed_real_speech_is_certain_early(self):
        mic = self.mic()
        self.play(mic, "human")
        for _ in range(3):
            report = self.quick_test()
            # A feed that glitched on a loaded machine (holes of exact zeros: a
            # dropout) is rightly not certain early; only then try again.
            metrics = report["signal"]["metrics"]
            if report["signal"].get("stopped") or (metrics["dropouts"] == 0 and metrics["zero_fraction"] < 0.01):
                break
        self.assertEqual(problems(report), [], report["findings"])
        self.assertEqual(report["signal"].get("stopped"), "verdict_certain", report["signal"])
        self.assertGreaterEqual(report["signal"]["seconds"], 2.0)
        self.assertLessEqual(report["signal"]["seconds"], 3.0)
        self.assertEqual([f["id"] for f in report["signal"]["findings"]], ["signal.ok"])
        # The text says how long it listened, and why no longer.
        p = micdoctor(self.server.env, "test")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout.decode(), r"listened to for [0-9]\.[0-9] s: enough to be sure")

    def test_hum_and_noise_listen_long_enough_to_be_found(self):
        for content, expected in (("noisy", "signal.noisy"), ("hum", "signal.hum")):
            with self.subTest(content=content):
                mic = self.mic()
                self.play(mic, content)
                report = self.quick_test()
                self.assertIn(expected, ids(report), report["signal"])
                self.assertNotIn("stopped", report["signal"])
                self.assertAlmostEqual(report["signal"]["seconds"], 5.0, delta=0.01)
                for p in self.players:
                    p.kill()
                    p.wait()
                self.players = []

    def test_zeros_from_a_microphone_that_is_on_do_not_stop_it(self):
        # Every setting on, 2 s of exact zeros, then a voice: a device waking
        # up. Stopping on the zeros would have called it dead.
        mic = self.mic()
        self.play(mic, "late")
        report = self.quick_test()
        metrics = report["signal"]["metrics"]
        self.assertGreater(metrics["zero_fraction"], 0.1, "the test should have heard the zeros first")
        self.assertNotIn("signal.digital_silence", ids(report), report["signal"])
        self.assertIsNotNone(metrics["speech_level_dbfs"], report["signal"])
        self.assertGreater(report["signal"]["seconds"], 2.0)

    def test_full_listens_to_the_end_of_silence(self):
        self.mic()  # nothing plays: exact zeros
        report = json.loads(micdoctor(self.server.env, "check", "--test", "2", "--full", "--format", "json").stdout)
        self.assertEqual(report["signal"]["ending"], "completed")
        self.assertNotIn("stopped", report["signal"])
        self.assertAlmostEqual(report["signal"]["seconds"], 2.0, delta=0.01)

    # -- issue 12: a person who talks through the whole test ----------------
    def continuous_speech(self):
        """Speech with no pause over 50 ms, looped for 20 s, over a -70 dBFS
        hiss as a real microphone has: any 3 s of it is speech throughout."""
        if "continuous" not in CONTENT:
            directory = tempfile.mkdtemp(prefix="micdoctor-continuous-")
            self.addCleanup(lambda: subprocess.run(["rm", "-rf", directory], check=False))
            env = dict(os.environ, SOX_OPTS="-V1")

            def sox(*args):
                subprocess.run(["sox", *args], check=True, env=env, cwd=directory, timeout=60)
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", "voice.wav", SENTENCES * 2], check=True,
                           cwd=directory, timeout=60)
            sox("voice.wav", "-r", "48000", "tight.wav", "silence", "-l", "1", "0.02", "-45d", "-1", "0.05", "-45d",
                "norm", "-10", "repeat", "4")
            sox("-n", "-r", "48000", "-c", "1", "hiss.wav", "synth", "22", "pinknoise", "vol", "0.0003")
            sox("-m", "-v", "1", "tight.wav", "-v", "1", "hiss.wav", "-b", "16", "continuous.wav", "trim", "0", "20")
            CONTENT["continuous"] = os.path.join(directory, "continuous.wav")
            # A check of the content itself: no 150 ms in it falls to the hiss.
            levels = subprocess.run(["sox", CONTENT["continuous"], "-n", "trim", "0.1", "19.8", "stats", "-w", "0.15"],
                                    capture_output=True, text=True, env=env).stderr
            trough = float(next(line.split()[-1] for line in levels.splitlines() if line.startswith("RMS Tr dB")))
            self.assertGreater(trough, -55, "the fed speech has a pause: " + levels)
        return "continuous"

    def test_talking_through_the_whole_test_is_speech(self):
        mic = self.mic()
        self.play(mic, self.continuous_speech())
        for attempt in range(2):  # two different 3-second windows of it
            p = micdoctor(self.server.env, "test", "--seconds", "3", "--format", "json")
            self.assertIn(p.returncode, (0, 1), p.stderr.decode(errors="replace"))
            report = json.loads(p.stdout)
            self.assertEqual(report["signal"]["ending"], "completed")
            self.assertNotIn("signal.no_speech", ids(report), report["findings"])
            metrics = report["signal"]["metrics"]
            self.assertIsNotNone(metrics["speech_level_dbfs"])
            self.assertGreater(metrics["speech_level_dbfs"], -35)
            self.assertLess(metrics["speech_level_dbfs"], -15)
            # The floor is not measured without a pause, or lies far under the voice: never the voice itself.
            if metrics["noise_floor_dbfs"] is not None:
                self.assertLess(metrics["noise_floor_dbfs"], metrics["speech_level_dbfs"] - 25, metrics)
            self.assertNotIn("signal.noisy", ids(report), report["findings"])

    def test_the_issue_reproduction_is_speech(self):
        """Issue 12's own reproduction, through `micdoctor analyze` (no server involved)."""
        with tempfile.TemporaryDirectory() as work:
            env = dict(os.environ, SOX_OPTS="-V1")
            subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", "voice.wav",
                            "Hello, can you hear me? I am testing my microphone before the meeting starts. Please tell "
                            "me if the sound is clear. One two three four five six seven eight nine ten."],
                           check=True, cwd=work, timeout=60)
            for args in (["-n", "-r", "48000", "-c", "1", "noise.wav", "synth", "12.21", "pinknoise", "vol", "0.0003"],
                         ["-m", "-v", "1", "|sox voice.wav -p rate 48000 norm -8", "-v", "1", "|sox noise.wav -p",
                          "-b", "16", "clean.wav"],
                         ["clean.wav", "c.wav", "trim", "2.0", "3"]):
                subprocess.run(["sox", *args], check=True, cwd=work, env=env, timeout=60)
            p = subprocess.run([MICDOCTOR, "analyze", "--format", "json", os.path.join(work, "c.wav")],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            report = json.loads(p.stdout)
            self.assertNotIn("signal.no_speech", ids(report))
            self.assertGreater(report["metrics"]["speech_level_dbfs"], -30)


class PulseAudioOnly(MicTest):
    def test_suspended_mid_test(self):
        rc, report, err, seconds = self.run_with_fault(lambda mic: self.server.pactl("suspend-source", mic, "1"))
        self.assertEqual(rc, 2)
        self.assertIn("suspended", err)
        self.assertLess(seconds, 2.0)


class ServerKilled(unittest.TestCase):
    """Last: this one ends its server."""

    def test_server_killed_mid_test(self):
        server = SERVER()
        try:
            modules = server.add_microphone("killmic", "USB Headset Microphone")
            server.set_default_source("killmic")
            # --full: the silence of a microphone fed nothing is certain after 1 s.
            p = subprocess.Popen([MICDOCTOR, "check", "--test", "8", "--full", "--format", "json"], env=server.env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            time.sleep(1.5)
            server.processes[-1].kill()
            killed = time.monotonic()
            out, err = p.communicate(timeout=10)
            self.assertEqual(p.returncode, 2)
            self.assertIn("sound server stopped", err.decode())
            self.assertLess(time.monotonic() - killed, 2.0)
            self.assertIn("stopped", json.loads(out)["signal"]["error"])
            del modules
        finally:
            server.stop()


if __name__ == "__main__":
    MICDOCTOR = os.path.abspath(sys.argv.pop(1))
    which = sys.argv.pop(1) if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "pulseaudio"
    SERVER = {"pulseaudio": PulseAudioServer, "pipewire": PipeWireServer}[which]
    with tempfile.TemporaryDirectory() as content_dir:
        CONTENT.update(make_content(content_dir))
        cases = unittest.TestSuite()
        loader = unittest.TestLoader()
        cases.addTests(loader.loadTestsFromTestCase(PulseAudioOnly if which == "pulseaudio" else MicTest))
        cases.addTests(loader.loadTestsFromTestCase(ServerKilled))
        result = unittest.TextTestRunner(verbosity=2).run(cases)
    sys.exit(0 if result.wasSuccessful() else 1)
