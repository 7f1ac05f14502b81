#!/usr/bin/python3
"""The quicker verdict (issue 16) changes no verdict: every labelled corpus
file, and the packaged human recordings as they are (alsa-utils' voice
clips, pocketsphinx-testdata's LibriVox reading, codec2's reference
recording), go through the analyser twice (micdoctor_early_verdict_corpus):
with the early stop, played block by block in real-time order, and at full
length (the test's 5 s). Asserts the same finding ids with the same severity
for each, and that the early stop is really used (silence within about 1 s,
most clean speech within 3 s); reports where each file stopped.

One difference is allowed, and only when this script proves it on the audio:
signal.dropouts whose every gap of exact zeros (20 ms or longer) begins after
the point where the test stopped. Intermittent cuts that have not happened yet
are the one thing an early verdict cannot foresee; each such file is listed.

Usage: test_early_verdict_corpus.py CORPUS_DIR TOOL [--report FILE]
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

HUMAN = (sorted(glob.glob("/usr/share/sounds/alsa/*.wav"))
         + sorted(glob.glob("/usr/share/pocketsphinx/test/data/librivox/*.wav"))
         + ["/usr/share/codec2/raw/speech_orig_16k.wav"])


def run(tool, paths):
    records = []
    for start in range(0, len(paths), 200):
        batch = paths[start:start + 200]
        p = subprocess.run([tool, "--seconds", "5", *batch], capture_output=True, text=True, timeout=600)
        if p.returncode != 0:
            sys.exit(f"{tool} failed ({p.returncode}):\n{p.stderr}")
        records += [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if len(records) != len(paths):
        sys.exit(f"expected {len(paths)} records, got {len(records)}")
    return records


def first_gap_s(path, min_s=0.02):
    """Where the first run of exact zeros of min_s or longer (every channel) begins, in seconds."""
    rate = int(subprocess.run(["soxi", "-r", path], capture_output=True, text=True, check=True).stdout)
    channels = int(subprocess.run(["soxi", "-c", path], capture_output=True, text=True, check=True).stdout)
    raw = subprocess.run(["sox", "-V1", path, "-t", "f32", "-"], capture_output=True, check=True).stdout
    x = np.frombuffer(raw, dtype=np.float32).reshape(-1, channels)
    zero = np.all(x == 0.0, axis=1).astype(np.int8)
    edges = np.diff(np.concatenate([[0], zero, [0]]))
    for start, end in zip(np.where(edges == 1)[0], np.where(edges == -1)[0]):
        if end - start >= min_s * rate:
            return start / rate
    return None


def only_later_dropouts(record):
    """The early verdict lacks only signal.dropouts, and no gap had begun when it stopped."""
    early, full = set(record["early"]), set(record["full"])
    missing = {x for x in full - early}
    if early - full - {"signal.ok:info"} or {x.split(":")[0] for x in missing} != {"signal.dropouts"}:
        return False
    gap = first_gap_s(record["file"])
    return gap is not None and gap >= record["stopped_at"]


def human_sequence(directory):
    """alsa-utils' recorded voices one after the other (real speech with its own pauses)
    over the faint hiss every real microphone has (their files pad with exact zeros)."""
    voices, out = os.path.join(directory, "voices.wav"), os.path.join(directory, "alsa-voices.wav")
    clips = [p for p in HUMAN if p.startswith("/usr/share/sounds/alsa/") and "Noise" not in p]
    subprocess.run(["sox", "-V1", *clips, voices], check=True)
    subprocess.run(["sox", "-V1", "-m", "-v", "1", voices, "-v", "1",
                    "|sox -n -r 48000 -c 1 -p synth 12 pinknoise vol 0.0003", "-b", "16", out, "trim", "0", "10"],
                   check=True)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("tool")
    parser.add_argument("--report")
    args = parser.parse_args()
    with open(os.path.join(args.corpus, "manifest.json")) as f:
        files = json.load(f)["files"]
    missing = [p for p in HUMAN if not os.path.exists(p)]
    if missing:
        sys.exit(f"human recordings missing (scripts/install-deps.sh installs them): {missing}")
    category = {os.path.join(args.corpus, f["file"]): f["category"] for f in files}
    category.update({p: "human" for p in HUMAN})
    work = tempfile.mkdtemp(prefix="micdoctor-early-")
    category[human_sequence(work)] = "human"
    paths = list(category)
    records = run(args.tool, paths)

    changed, later_dropouts, by_category = [], [], {}
    for r in records:
        cat = category[r["file"]]
        entry = by_category.setdefault(cat, {"files": 0, "stops": [], "kinds": {}})
        entry["files"] += 1
        if r["stopped_at"] is not None:
            entry["stops"].append(r["stopped_at"])
            entry["kinds"][r["kind"]] = entry["kinds"].get(r["kind"], 0) + 1
        if r["early"] != r["full"]:
            (later_dropouts if only_later_dropouts(r) else changed).append(r)

    lines = ["The early verdict against the full-length (5 s) one, %d files:" % len(records)]
    for cat, e in sorted(by_category.items()):
        stops = e["stops"]
        where = (" at %.1f-%.1f s (median %.2f s)" % (min(stops), max(stops), statistics.median(stops))) if stops else ""
        lines.append(f"  {cat:8} {len(stops):3} of {e['files']:3} stopped early{where} {e['kinds'] or ''}")
    for r in records:
        stop = "%.2f s %s" % (r["stopped_at"], r["kind"]) if r["stopped_at"] is not None else "full length"
        lines.append(f"    {os.path.basename(r['file'])}: {stop}; {' '.join(r['full'])}")
    for r in later_dropouts:
        lines.append(f"LATER DROPOUTS {r['file']}: stopped at {r['stopped_at']:.2f} s, the first gap begins at "
                     f"{first_gap_s(r['file']):.2f} s; full {r['full']}")
    for r in changed:
        lines.append(f"CHANGED {r['file']} (stopped at {r['stopped_at']}): early {r['early']} full {r['full']}")
    report = "\n".join(lines) + "\n"
    if args.report:
        with open(args.report, "w") as f:
            f.write(report)
    print("\n".join(line for line in lines if not line.startswith("    ")))

    failures = []
    if changed:
        failures.append(f"{len(changed)} verdicts changed with the early stop")
    silent_files = [r for r in records if any(x.startswith("signal.digital_silence") for x in r["full"])
                    and r["heard_seconds"] <= 1.0 + 1e-6 and r["kind"] == "silence"]
    if not silent_files:
        failures.append("no recording of exact zeros stopped at 1 s")
    clean = by_category.get("clean", {"files": 0, "stops": []})
    if len(clean["stops"]) < 0.5 * clean["files"] or (clean["stops"] and statistics.median(clean["stops"]) > 3.0):
        failures.append("clean speech rarely stops early: %d of %d" % (len(clean["stops"]), clean["files"]))
    human = by_category["human"]
    if not human["stops"]:
        failures.append("no human recording stopped early")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
