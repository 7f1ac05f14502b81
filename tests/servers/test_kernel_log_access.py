"""read_kernel_log on this machine, as root and as an ordinary user (nobody,
no groups): as root the kernel ring buffer is read; as nobody, with
kernel.dmesg_restrict = 1 and no journal group, nothing can be read and the
reason says both in plain words; with dmesg_restrict = 0 the ring buffer is
read. Needs root to drop to nobody; says so and passes trivially otherwise.

argv: the below_server_probe program."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

PROBE = sys.argv[1]
NOBODY = 65534


def as_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def read(probe, user_switch=None):
    out = subprocess.run([probe, "kernel-log", "/", "2000"], capture_output=True, text=True, timeout=30,
                         preexec_fn=user_switch)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def main():
    if os.geteuid() != 0:
        print("kernel_log_access: not root, cannot drop to another user; nothing to test")
        return
    with open("/proc/sys/kernel/dmesg_restrict") as f:
        restricted = f.read().strip() == "1"
    directory = tempfile.mkdtemp(prefix="micdoctor-klog-")
    try:
        os.chmod(directory, 0o755)
        probe = os.path.join(directory, "probe")
        shutil.copy(PROBE, probe)
        os.chmod(probe, 0o755)

        root_log = read(probe)
        assert root_log["read"] and root_log["source"] in ("journald", "dmesg"), root_log
        assert len(root_log["lines"]) <= 400, len(root_log["lines"])

        user_log = read(probe, as_nobody)
        if restricted:
            assert not user_log["read"], user_log
            reason = user_log["unreadable"]
            assert "the kernel log is restricted to administrators (kernel.dmesg_restrict = 1)" in reason, reason
            assert "journal" in reason, reason
        else:
            assert user_log["read"] and user_log["source"] in ("journald", "dmesg"), user_log
        print("kernel_log_access: ok")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
