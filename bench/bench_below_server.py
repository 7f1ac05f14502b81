#!/usr/bin/python3
"""Whole-command benchmark of the layer below the sound server.

1. `micdoctor check --format json` on this machine, with every reader below the
   server (sysfs, /proc/asound, modprobe.d, the kernel log, BlueZ, the server's
   configuration, the ALSA mixers), beside `alsa-info --stdout --no-upload
   --with-amixer --with-dmesg` (what a forum or a support team asks for to see
   the same layer; it only collects, micdoctor also judges).
2. The same `check` on every fixture machine (tests/fixtures/machines: the
   readers on a laptop's tree, mixers served by the test ALSA plugin through
   real alsa-lib when the machine has them).
3. `micdoctor check --alsa-info` on every real dump in tests/fixtures/alsa-info.
4. `micdoctor drivers --format json` on this machine, beside what a person would
   run to see the same (`dpkg-query -W` of the packages micdoctor asks about,
   `lspci -k`, `lsusb`; the ones installed), which only collects.

Medians of RUNS, one run of the script, no sound server (PULSE_SERVER points
at nothing, so the server part is a refused connection).
Usage: bench/bench_below_server.py [build/micdoctor] [RUNS]"""
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The packages `drivers` asks the package database about on Debian (checks/known_bad_versions.cpp).
DRIVER_PACKAGES = ("alsa-ucm-conf", "firmware-sof-signed", "pipewire", "wireplumber", "libspa-0.2-bluetooth",
                   "pulseaudio-module-bluetooth", "pipewire-audio")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def median_seconds(argv, env, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main():
    micdoctor = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "micdoctor"))
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    build = os.path.dirname(micdoctor)
    plugin_config = os.path.join(build, "tests", "alsa_plugin", "micdoctor-test-alsa.conf")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PULSE_SERVER="unix:" + os.path.join(tmp, "none"), HOME=tmp,
                   XDG_CONFIG_HOME=os.path.join(tmp, "config"), XDG_STATE_HOME=os.path.join(tmp, "state"))
        print(f"{'what':58} {'median ms':>9} {'worst ms':>9}")
        live, live_worst = median_seconds([micdoctor, "check", "--format", "json"], env, runs)
        print(f"{'micdoctor check, this machine':58} {live * 1000:9.1f} {live_worst * 1000:9.1f}")
        alsa_info = shutil.which("alsa-info") or "/usr/sbin/alsa-info"
        if os.path.exists(alsa_info):
            ai, ai_worst = median_seconds([alsa_info, "--stdout", "--no-upload", "--with-amixer", "--with-dmesg"], env, runs)
            print(f"{'alsa-info --stdout --no-upload --with-amixer --with-dmesg':58} {ai * 1000:9.1f} {ai_worst * 1000:9.1f}")
            print(f"ratio micdoctor check / alsa-info: {live / ai:.2f}")
        drivers, drivers_worst = median_seconds([micdoctor, "drivers", "--format", "json"], env, runs)
        print(f"{'micdoctor drivers, this machine':58} {drivers * 1000:9.1f} {drivers_worst * 1000:9.1f}")
        manual = [" ".join(["dpkg-query", "-W", *DRIVER_PACKAGES])] if shutil.which("dpkg-query") else []
        manual += [tool for tool in ("lspci -k", "lsusb") if shutil.which(tool.split()[0])]
        if manual:
            by_hand, by_hand_worst = median_seconds(["sh", "-c", "; ".join(manual)], env, runs)
            print(f"{'; '.join(manual)[:58]:58} {by_hand * 1000:9.1f} {by_hand_worst * 1000:9.1f}")
            print(f"ratio micdoctor drivers / by hand: {drivers / by_hand:.2f}")
        for machine in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "machines", "*", ""))):
            name = os.path.basename(os.path.dirname(machine))
            machine_env = dict(env, MICDOCTOR_TEST_MACHINE_ROOT=os.path.abspath(machine))
            mixers = os.path.join(machine, "mixers")
            if os.path.isdir(mixers) and os.path.exists(plugin_config):
                state = os.path.join(tmp, "mixers-" + name)
                shutil.copytree(mixers, state)
                machine_env.update(ALSA_CONFIG_PATH=plugin_config, MICDOCTOR_ALSA_STATE=state)
            m, worst = median_seconds([micdoctor, "check", "--format", "json"], machine_env, runs)
            print(f"{'micdoctor check, machine ' + name:58} {m * 1000:9.1f} {worst * 1000:9.1f}")
        for dump in sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "alsa-info", "*.txt"))):
            m, worst = median_seconds([micdoctor, "check", "--alsa-info", dump, "--format", "json"], env, runs)
            print(f"{'micdoctor check --alsa-info ' + os.path.basename(dump)[:30]:58} {m * 1000:9.1f} {worst * 1000:9.1f}")


if __name__ == "__main__":
    main()
