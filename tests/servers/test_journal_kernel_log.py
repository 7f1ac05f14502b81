"""read_kernel_log through sd-journal on real journal files: the kernel
messages of a real dmesg (tests/fixtures/kernel-log/glk-sof-and-wifi-firmware)
written as journald keeps them (_TRANSPORT=kernel, _BOOT_ID) by systemd's own
systemd-journal-remote, with an earlier boot and a user-space message that
must both be left out, enough sound lines to meet the bound, and
Bluetooth's spam (one message 500 times).

A fixture machine with var/log/journal and no kernel.log is read the way the
live system's journal is (same code: matches on _TRANSPORT=kernel and the
boot, the first sound lines and the newest, each message once), the boot being the newest one in it.

argv: the below_server_probe program."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

PROBE = sys.argv[1]
JOURNAL_REMOTE = "/lib/systemd/systemd-journal-remote"
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "kernel-log",
                       "glk-sof-and-wifi-firmware", "kernel.log")
OLD_BOOT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
BOOT = "5d8c2e7a1b3f49c6a0e4d2b8f7c61a93"
BOUND = 400


def entry(usec, boot, transport, message):
    return (f"__REALTIME_TIMESTAMP={1700000000000000 + usec}\n__MONOTONIC_TIMESTAMP={usec}\n_BOOT_ID={boot}\n"
            f"_TRANSPORT={transport}\nPRIORITY=6\nMESSAGE={message}\n\n")


def main():
    with open(FIXTURE) as f:
        # dmesg's "[    6.609434] " prefix is not part of the journal's MESSAGE.
        dmesg = [line.split("] ", 1)[1].rstrip("\n") for line in f if "] " in line]
    export = entry(1, OLD_BOOT, "kernel", "snd_hda_intel 0000:00:1f.3: a message of the boot before")
    usec = 10
    for message in dmesg:
        export += entry(usec, BOOT, "kernel", message)
        usec += 1
    export += entry(usec, BOOT, "syslog", "pipewire[912]: snd_pcm_open failed (a user-space message)")
    usec += 1
    filler = [f"snd_hda_codec_realtek hdaudioC0D0: autoconfig line {i}" for i in range(BOUND)]
    for message in filler:
        export += entry(usec, BOOT, "kernel", message)
        usec += 1
    # Bluetooth's spam, one message repeated: kept once.
    spam = "Bluetooth: hci0: ACL packet for unknown connection handle 3837"
    for _ in range(500):
        export += entry(usec, BOOT, "kernel", spam)
        usec += 1
    export += entry(usec, BOOT, "kernel", "usb 1-2: new high-speed USB device number 5 using xhci_hcd")

    root = tempfile.mkdtemp(prefix="micdoctor-journal-")
    try:
        journal_dir = os.path.join(root, "var", "log", "journal")
        os.makedirs(journal_dir)
        subprocess.run([JOURNAL_REMOTE, "-o", os.path.join(journal_dir, "machine.journal"), "-"], input=export.encode(),
                       capture_output=True, timeout=60, check=True)
        out = subprocess.run([PROBE, "kernel-log", root, "2000"], capture_output=True, text=True, timeout=30)
        assert out.returncode == 0, out.stderr
        log = json.loads(out.stdout)
        assert log["read"] and log["source"] == "journald", log
        # The newest boot's first 150 sound lines (its probe) and its newest 250
        # distinct ones, in order, within the bound.
        sound = [m for m in dmesg if "iwlwifi" not in m]
        first = (sound + filler)[:150]
        newest = filler[BOUND - 249:] + [spam]
        assert log["lines"] == first + newest, (log["lines"][:3], log["lines"][148:152], log["lines"][-2:])

        # Fewer lines: the dmesg's own, minus Wi-Fi, the old boot and user space.
        entries = [e + "\n\n" for e in export.split("\n\n") if e.strip()]
        export_small = "".join(e for e in entries if "autoconfig line" not in e)
        shutil.rmtree(journal_dir)
        os.makedirs(journal_dir)
        subprocess.run([JOURNAL_REMOTE, "-o", os.path.join(journal_dir, "machine.journal"), "-"],
                       input=export_small.encode(), capture_output=True, timeout=60, check=True)
        log = json.loads(subprocess.run([PROBE, "kernel-log", root, "2000"], capture_output=True, text=True,
                                        timeout=30, check=True).stdout)
        assert log["lines"] == sound + [spam], log["lines"]
        # Sound firmware only: not the Bluetooth firmware, not Wi-Fi's.
        assert [f["path"] for f in log["firmware"]] == ["intel/sof/community/sof-glk.ri"], log
        print("journal_kernel_log: ok")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
