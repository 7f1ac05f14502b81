#!/usr/bin/python3
"""Whole-command benchmark of `micdoctor check`: a private server (PulseAudio,
then PipeWire) with 20 virtual microphones (41 sources with the monitors)
and 10 recording streams; `micdoctor check --format json` timed RUNS times
beside what a person would otherwise type to see the same state
(pactl info; pactl list sources; pactl list source-outputs; pactl list cards),
in one run. Usage: bench/bench_check.py [build/micdoctor] [RUNS]"""
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tests", "servers"))
from soundserver import PipeWireServer, PulseAudioServer  # noqa: E402

MICS, STREAMS = 20, 10


def timed(env, commands):
    start = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def bench(server, micdoctor, runs):
    for i in range(MICS):
        server.add_microphone(f"mic{i}", f"USB Microphone {i}")
    server.set_default_source("mic0")
    for i in range(STREAMS):
        server.start_recorder(f"mic{i}", f"recorder{i}")
    mine = [micdoctor, "check", "--format", "json"]
    manual = [["pactl", "info"], ["pactl", "list", "sources"], ["pactl", "list", "source-outputs"],
              ["pactl", "list", "cards"]]
    report = subprocess.run(mine, env=server.env, capture_output=True, text=True).stdout
    assert report.count('"kind"') >= 2 * MICS, "the check did not see every source"
    timed(server.env, [mine])  # warm up
    ours, theirs = [], []
    for _ in range(runs):  # interleaved, so the machine's noise hits both alike
        ours.append(timed(server.env, [mine]))
        theirs.append(timed(server.env, manual))
    return statistics.median(ours), max(ours), statistics.median(theirs)


def main():
    micdoctor = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "micdoctor"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    print(f"{MICS} microphones ({2 * MICS + 1} sources with monitors), {STREAMS} recording streams; "
          f"median of {runs} runs, wall time of the whole command")
    print(f"{'server':11} {'micdoctor check':>16} {'worst':>8} {'4x pactl':>9} {'ratio':>6}")
    for server_class in (PulseAudioServer, PipeWireServer):
        server = server_class()
        try:
            median, worst, manual = bench(server, micdoctor, runs)
        finally:
            server.stop()
        print(f"{server.name:11} {median * 1000:13.1f} ms {worst * 1000:5.1f} ms {manual * 1000:6.1f} ms "
              f"{manual / median:5.2f}x")


if __name__ == "__main__":
    main()
