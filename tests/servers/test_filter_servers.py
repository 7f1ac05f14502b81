#!/usr/bin/python3
"""Filter microphones on real servers: a microphone (a null sink fed with
recorded speech, remapped and described as a USB headset) with a filter over
it set as the default, built with the server's own modules:
 - a remapped source over it: recognised as a filter with the mic as master,
   `micdoctor test` records both and passes;
 - a NoiseTorch-shaped chain (null sink <- loopback from the mic, muted, and a
   remap of the null sink's monitor): filter.silences_mic; `fix` makes the
   master the default, `undo` puts the filter back;
 - the master removed under a NoiseTorch-shaped chain (which survives it on
   both servers) and under a remap (PulseAudio unloads it with its master;
   PipeWire keeps it): filter.master_missing.
Usage: test_filter_servers.py PATH/TO/micdoctor [pulseaudio|pipewire]"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import PipeWireServer, PulseAudioServer, wait_until  # noqa: E402

MICDOCTOR = None
SERVER = None
SPEECH = None


def make_speech(directory):
    """espeak speech, 48 kHz mono, repeated to 20 s (about -20 dBFS)."""
    voice = os.path.join(directory, "voice.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", voice,
                    "Hello, can you hear me? I am testing my microphone before the meeting starts."],
                   check=True, timeout=60)
    speech = os.path.join(directory, "speech.wav")
    subprocess.run(["sox", "-V1", voice, "-r", "48000", "-c", "1", speech, "norm", "-8", "pad", "0.3", "0.3",
                    "repeat", "5", "trim", "0", "20"], check=True, timeout=60)
    return speech


class FilterTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = SERVER()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.modules = []
        self.server.stop_clients()
        self.mic_modules = self.server.add_microphone("mic", "USB Headset Microphone")
        self.modules += self.mic_modules
        self.feed = subprocess.Popen(["sh", "-c", f"while :; do paplay -d feed_mic {SPEECH} || exit; done"],
                                     env=self.server.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.server.clients.append(self.feed)

    def tearDown(self):
        self.server.stop_clients()
        self.server.unload(reversed(self.modules))

    def run_micdoctor(self, *args, timeout=60):
        env = dict(self.server.env, MICDOCTOR_STATE_DIR=os.path.join(self.server.dir, "micdoctor-state"))
        return subprocess.run([MICDOCTOR, *args], env=env, capture_output=True, text=True, timeout=timeout)

    def report(self, *args):
        p = self.run_micdoctor(*args, "--format", "json")
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return json.loads(p.stdout)

    def device(self, report, name):
        for d in report["snapshot"]["devices"] if "snapshot" in report else report["devices"]:
            if d["id"] == name:
                return d
        raise AssertionError(f"no device {name}")

    def noisetorch_chain(self, mute_loopback):
        """NoiseTorch's shape (noisetorch/NoiseTorch module.go) without the LADSPA plugin."""
        self.modules.append(self.server.load_module("module-null-sink", "sink_name=nui_mic_denoised_out"))
        self.modules.append(self.server.load_module("module-loopback", "source=mic", "sink=nui_mic_denoised_out",
                                                    "latency_msec=20"))
        self.modules.append(self.server.load_module("module-remap-source", "source_name=nui_mic_remap",
                                                    "master=nui_mic_denoised_out.monitor"))
        wait_until(lambda: "nui_mic_remap" in self.server.source_names(), 5, "nui_mic_remap")
        if mute_loopback:
            loopback = self.loopback_sink_input()
            self.server.pactl("set-sink-input-mute", str(loopback), "1")
        self.server.set_default_source("nui_mic_remap")

    def loopback_sink_input(self):
        found = []

        def listed():
            index = None
            for line in self.server.pactl("list", "sink-inputs").splitlines():
                line = line.strip()
                if line.startswith("Sink Input #"):
                    index = int(line.split("#")[1])
                elif line.startswith("Owner Module: ") and line.endswith(str(self.modules[-2])):
                    found.append(index)
                    return True
            return False

        wait_until(listed, 10, "the loopback's sink input")
        return found[0]

    def test_remap_filter_is_recognised_and_passes(self):
        self.modules.append(self.server.load_module("module-remap-source", "source_name=filtered", "master=mic",
                                                    "source_properties='device.description=\"Filtered Mic\"'"))
        wait_until(lambda: "filtered" in self.server.source_names(), 5, "filtered")
        self.server.set_default_source("filtered")
        report = self.report("test", "--seconds", "3")
        filtered = self.device(report, "filtered")
        self.assertEqual((filtered["filter"], filtered["master"]), ("remap", "mic"))
        ids = [f["id"] for f in report["findings"]]
        self.assertNotIn("filter.silences_mic", ids)
        self.assertNotIn("filter.master_missing", ids)
        self.assertIn("signal.ok", ids, report["findings"])

    def test_chain_that_delivers_silence(self):
        self.noisetorch_chain(mute_loopback=True)
        report = self.report("test", "--seconds", "3")
        remap = self.device(report, "nui_mic_remap")
        self.assertEqual((remap["filter"], remap["master"]), ("noisetorch", "mic"))
        silences = [f for f in report["findings"] if f["id"] == "filter.silences_mic"]
        self.assertEqual(len(silences), 1, report["findings"])
        self.assertEqual(silences[0]["fix"], "default.set")
        self.assertIn("NoiseTorch", " ".join(silences[0]["manual_steps"]))
        # fix (listening first, as the finding comes from the test): the
        # master becomes the default; undo: the filter again.
        p = self.run_micdoctor("fix", "--yes", "--test", "3", "--only", "default.set", "--format", "json")
        fix = json.loads(p.stdout)
        applied = [c for c in fix["changes"] if c["status"] == "applied"]
        self.assertEqual([c["fix"] for c in applied], ["default.set"], p.stdout + p.stderr)
        self.assertEqual(self.server.default_source(), "mic")
        p = self.run_micdoctor("undo", "--format", "json")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.server.default_source(), "nui_mic_remap")

    def test_echo_cancel_is_recognised(self):
        self.modules.append(self.server.load_module("module-echo-cancel", "source_name=ec_src", "sink_name=ec_sink",
                                                    "source_master=mic", "sink_master=speakers", "aec_method=null"))
        wait_until(lambda: "ec_src" in self.server.source_names(), 5, "ec_src")
        self.server.set_default_source("ec_src")
        ec = self.device(self.report("check"), "ec_src")
        self.assertEqual((ec["filter"], ec["master"]), ("echo-cancel", "mic"))

    def test_master_removed_under_a_remap(self):
        """PulseAudio unloads a remap with its master (nothing left to judge);
        PipeWire keeps it, its capture stream relinked elsewhere."""
        self.modules.append(self.server.load_module("module-remap-source", "source_name=filtered", "master=mic"))
        wait_until(lambda: "filtered" in self.server.source_names(), 5, "filtered")
        self.server.set_default_source("filtered")
        self.server.unload(self.mic_modules)
        wait_until(lambda: "mic" not in self.server.source_names(), 5, "mic gone")
        if SERVER is PulseAudioServer:
            # The remap goes with its master: wait for that before judging.
            wait_until(lambda: "filtered" not in self.server.source_names(), 5, "filtered unloaded with mic")
        report = self.report("check")
        missing = [f for f in report["findings"] if f["id"] == "filter.master_missing"]
        if SERVER is PulseAudioServer:
            self.assertEqual(missing, [])
        else:
            self.assertEqual(self.device(report, "filtered")["master"], "mic")
            self.assertEqual([f["device"] for f in missing], ["filtered"], report["findings"])

    def test_master_missing_under_noisetorch_chain(self):
        self.noisetorch_chain(mute_loopback=False)
        self.server.unload(self.mic_modules)
        wait_until(lambda: "mic" not in self.server.source_names(), 5, "mic gone")
        report = self.report("check")
        remap = self.device(report, "nui_mic_remap")
        self.assertEqual((remap["filter"], remap["master"]), ("noisetorch", "mic"))
        missing = [f for f in report["findings"] if f["id"] == "filter.master_missing"]
        self.assertEqual(len(missing), 1, report["findings"])
        self.assertEqual(missing[0]["device"], "nui_mic_remap")


def main():
    global MICDOCTOR, SERVER, SPEECH
    MICDOCTOR = os.path.abspath(sys.argv[1])
    SERVER = PipeWireServer if len(sys.argv) > 2 and sys.argv[2] == "pipewire" else PulseAudioServer
    with tempfile.TemporaryDirectory() as directory:
        SPEECH = make_speech(directory)
        unittest.main(argv=[sys.argv[0]], verbosity=2)


if __name__ == "__main__":
    main()
