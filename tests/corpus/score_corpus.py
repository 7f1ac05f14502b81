#!/usr/bin/python3
"""Scores `micdoctor analyze` on the generated corpus against its labels.

Pass criteria (issue #2): every id F1 >= 0.95; false alarms on clean files
<= 2 %; speech_level_dbfs mean absolute error <= 2 dB; snr_db mean absolute
error <= 3 dB over files with a true SNR of 0-40 dB (the SNR in the call band,
80 Hz-8 kHz). Issue #12's contract for 2 s and 3 s windows of continuous
speech (category "window"): not one of them gives signal.no_speech, and every
one's speech level is within 3 dB of its P.56 active level.

Usage: score_corpus.py CORPUS_DIR MICDOCTOR [--report FILE]
Exit status 0 when every criterion holds, 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys

MIN_F1 = 0.95
MAX_CLEAN_FALSE_ALARMS = 0.02
MAX_LEVEL_MAE_DB = 2.0
MAX_SNR_MAE_DB = 3.0
MAX_WINDOW_LEVEL_ERROR_DB = 3.0
MAX_SNR_NOT_MEASURED = 0.05


def analyse(micdoctor, corpus, files):
    paths = [os.path.join(corpus, f["file"]) for f in files]
    proc = subprocess.run([micdoctor, "analyze", "--format", "json"] + paths,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode == 2:
        sys.exit(f"micdoctor could not read some corpus files:\n{proc.stderr}")
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(records) != len(files):
        sys.exit(f"expected {len(files)} JSON lines, got {len(records)}")
    for record, path in zip(records, paths):
        if record["file"] != path:
            sys.exit(f"output out of order: {record['file']} != {path}")
        if record["schema"] != "micdoctor.analysis/1":
            sys.exit(f"unexpected schema {record['schema']}")
    return records


def flagged(record):
    return {f["id"] for f in record["findings"] if f["severity"] in ("warning", "error")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("micdoctor")
    parser.add_argument("--report")
    args = parser.parse_args()
    with open(os.path.join(args.corpus, "manifest.json")) as f:
        manifest = json.load(f)
    files = manifest["files"]
    records = analyse(args.micdoctor, args.corpus, files)

    counts = {i: {"tp": 0, "fp": 0, "fn": 0} for i in manifest["ids"]}
    mistakes = []
    clean_total = clean_alarms = 0
    level_errors, snr_errors = [], []
    window_failures, windows = [], 0
    for entry, record in zip(files, records):
        got = flagged(record)
        expect = set(entry["expect"])
        dont_care = set(entry["dont_care"])
        for i in manifest["ids"]:
            if i in expect and i in got:
                counts[i]["tp"] += 1
            elif i in expect:
                counts[i]["fn"] += 1
                mistakes.append((entry["file"], "missed", i))
            elif i in got and i not in dont_care:
                counts[i]["fp"] += 1
                mistakes.append((entry["file"], "false", i))
        if entry["category"] == "clean":
            clean_total += 1
            if got - dont_care:
                clean_alarms += 1
        m = record["metrics"]
        if entry["category"] == "window":
            windows += 1
            level = m["speech_level_dbfs"]
            if "signal.no_speech" in got or level is None:
                window_failures.append(f"{entry['file']}: no speech found")
            elif abs(level - entry["speech_level_dbfs"]) > MAX_WINDOW_LEVEL_ERROR_DB:
                window_failures.append(f"{entry['file']}: level {level:+.1f} dBFS, "
                                       f"P.56 {entry['speech_level_dbfs']:+.1f} dBFS")
        if entry["category"] in ("clean", "level", "snr") and "speech_level_dbfs" in entry:
            if m["speech_level_dbfs"] is None:
                level_errors.append((entry["file"], None))
            else:
                level_errors.append((entry["file"], m["speech_level_dbfs"] - entry["speech_level_dbfs"]))
        if "snr_db" in entry and 0 <= entry["snr_db"] <= 40 and entry["category"] in ("clean", "snr"):
            if m["snr_db"] is None:
                snr_errors.append((entry["file"], None))
            else:
                snr_errors.append((entry["file"], m["snr_db"] - entry["snr_db"]))

    lines = []
    failed = False
    lines.append(f"{'id':28} {'TP':>4} {'FP':>4} {'FN':>4} {'F1':>6}")
    for i, c in counts.items():
        support = c["tp"] + c["fn"]
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        recall = c["tp"] / support if support else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        ok = f1 >= MIN_F1 and support > 0
        failed |= not ok
        lines.append(f"{i:28} {c['tp']:4} {c['fp']:4} {c['fn']:4} {f1:6.3f}{'' if ok else '  FAIL'}")

    alarm_rate = clean_alarms / clean_total if clean_total else 1.0
    failed |= alarm_rate > MAX_CLEAN_FALSE_ALARMS
    lines.append(f"false alarms on clean files: {clean_alarms}/{clean_total} = {alarm_rate:.1%} "
                 f"(limit {MAX_CLEAN_FALSE_ALARMS:.0%})")

    def mae(errors, name, limit, max_missing=0.0):
        nonlocal failed
        missing = [f for f, e in errors if e is None]
        values = [abs(e) for f, e in errors if e is not None]
        value = sum(values) / len(values) if values else float("inf")
        bad = value > limit or len(missing) > max_missing * len(errors) or not values
        failed |= bool(bad)
        signed = [e for f, e in errors if e is not None]
        bias = sum(signed) / len(signed) if signed else 0.0
        worst = sorted(((abs(e), e, f) for f, e in errors if e is not None), reverse=True)[:3]
        lines.append(f"{name} MAE over {len(errors)} files: {value:.2f} dB (limit {limit} dB), bias {bias:+.2f} dB; "
                     f"missing {len(missing)} {' '.join(missing)}; worst {', '.join(f'{f} {e:+.1f}' for _, e, f in worst)}")

    mae(level_errors, "speech_level_dbfs", MAX_LEVEL_MAE_DB)
    failed |= bool(window_failures) or windows == 0
    lines.append(f"continuous-speech windows (2 s, 3 s): {windows - len(window_failures)}/{windows} heard as speech "
                 f"with the level within {MAX_WINDOW_LEVEL_ERROR_DB} dB of P.56")
    lines += [f"  {failure}" for failure in window_failures]
    # An SNR may be "not measured" (no pause heard under a noise that fills every gap, as babble can).
    mae(snr_errors, "snr_db", MAX_SNR_MAE_DB, MAX_SNR_NOT_MEASURED)
    if mistakes:
        lines.append("mistakes:")
        lines += [f"  {f}: {kind} {i}" for f, kind, i in mistakes]
    lines.append("FAIL" if failed else "PASS")
    text = "\n".join(lines)
    print(text)
    if args.report:
        with open(args.report, "w") as f:
            f.write(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
