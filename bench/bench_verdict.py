#!/usr/bin/python3
"""The quicker verdict (issue 16), measured: the time from starting
`micdoctor test` to its verdict (the command's wall time: connecting,
reading the system, listening, judging, printing) on a private PulseAudio
and a private PipeWire, for
  - a working microphone fed real human speech in real time
    (alsa-utils' recorded voice clips in sequence over a -70 dBFS hiss);
  - a muted microphone (the same feed, the source muted);
each RUNS times with the early stop, and RUNS times with --full (the full
5 s test, as before issue 16). Prints the medians, the reported listening
time and how many runs stopped on a certain verdict.
Targets: working <= 2.5 s, muted <= 1.5 s (medians).
Usage: bench/bench_verdict.py [build/micdoctor] [RUNS]"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "servers"))
from soundserver import PipeWireServer, PulseAudioServer, wait_until  # noqa: E402

# Real human speech: alsa-utils' recorded voice clips, one after the other.
HUMAN_SPEECH = ["/usr/share/sounds/alsa/%s.wav" % clip for clip in
                ("Front_Center", "Front_Left", "Front_Right", "Rear_Center", "Rear_Left", "Rear_Right",
                 "Side_Left", "Side_Right")]
TARGETS = {"working": 2.5, "muted": 1.5}


def speech(directory):
    env = dict(os.environ, SOX_OPTS="-V1")
    subprocess.run(["sox", "-n", "-r", "48000", "-c", "1", "hiss.wav", "synth", "300", "pinknoise", "vol", "0.0003"],
                   cwd=directory, check=True, env=env)
    subprocess.run(["sox", *HUMAN_SPEECH, "-r", "48000", "-c", "1", "reading.wav", "norm", "-10", "repeat", "26"],
                   cwd=directory, check=True, env=env)
    subprocess.run(["sox", "-m", "-v", "1", "reading.wav", "-v", "1", "hiss.wav", "-b", "16", "speech.wav", "trim", "0", "300"],
                   cwd=directory, check=True, env=env)
    return os.path.join(directory, "speech.wav")


def one_run(micdoctor, env, full):
    argv = [micdoctor, "test", "--format", "json"] + (["--full"] if full else [])
    start = time.perf_counter()
    p = subprocess.run(argv, env=env, capture_output=True, timeout=30)
    wall = time.perf_counter() - start
    signal_part = json.loads(p.stdout)["signal"]
    return wall, signal_part["seconds"], signal_part.get("stopped") == "verdict_certain"


def bench(server, micdoctor, runs, wav):
    server.add_microphone("mic", "USB Headset Microphone")
    server.set_default_source("mic")
    player = subprocess.Popen(["paplay", "--latency-msec=20", "-d", "feed_mic", wav], env=server.env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        wait_until(lambda: "paplay" in server.pactl("list", "sink-inputs"), 5, "the feed")
        for case in ("working", "muted"):
            server.pactl("set-source-mute", "mic", "1" if case == "muted" else "0")
            wait_until(lambda: server.source_field("mic", "Mute") == ("yes" if case == "muted" else "no"), 5, "mute")
            for full in (False, True):
                results[(case, full)] = [one_run(micdoctor, server.env, full) for _ in range(runs)]
    finally:
        player.kill()
        player.wait()
    return results


def main():
    micdoctor = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "micdoctor"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    print(f"micdoctor test (at most 5 s), {runs} runs each; start to verdict, medians")
    print(f"{'server':11} {'microphone':10} {'early stop':>10} {'(listened)':>10} {'certain':>8} "
          f"{'full 5 s':>9} {'target':>7}")
    met = True
    with tempfile.TemporaryDirectory() as d:
        wav = speech(d)
        for server_class in (PulseAudioServer, PipeWireServer):
            server = server_class()
            try:
                results = bench(server, micdoctor, runs, wav)
            finally:
                server.stop()
            for case in ("working", "muted"):
                early, full = results[(case, False)], results[(case, True)]
                wall = statistics.median(r[0] for r in early)
                heard = statistics.median(r[1] for r in early)
                certain = sum(1 for r in early if r[2])
                full_wall = statistics.median(r[0] for r in full)
                ok = wall <= TARGETS[case]
                met = met and ok
                print(f"{server.name:11} {case:10} {wall:9.2f}s {heard:9.2f}s {certain:4}/{len(early):<3} "
                      f"{full_wall:8.2f}s {'<= %.1f s' % TARGETS[case]:>9} {'met' if ok else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
