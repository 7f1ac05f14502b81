"""WirePlumber 0.4 reads a user drop-in that turns the headset roles off, and
read_audio_config reports the same settings from the same file.

On the private PipeWire stack of soundserver.py (its own XDG_CONFIG_HOME) and
a private system bus with python-dbusmock's BlueZ (so WirePlumber's Bluetooth
monitor really starts PipeWire's bluez5 plugin), twice:
- control: no drop-in; the bluez5 plugin starts its native HFP/HSP backend
  (the log says "HFP/HSP backend native": this container has no Bluetooth
  sockets, so it fails to start, which is all we need to see).
- drop-in: $XDG_CONFIG_HOME/wireplumber/bluetooth.lua.d/51-bluez-disable-headset.lua
  with headset-roles "[ ]" and hfphsp-backend "none" (a public dotfile's
  shape). WirePlumber's log shows it loading that file between Debian's
  50-bluez-config.lua and 90-enable-all.lua, and the plugin no longer touches
  the native backend: the setting took effect.
In the drop-in run the probe (read_audio_config on this machine, with the
stack's environment) reports both settings from that file, in the order
WirePlumber loaded the files, and read_user_audio_config says 0.4.13 and the
stack's wireplumber directory.

argv: the below_server_probe program."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soundserver import PipeWireServer, wait_until  # noqa: E402
from test_bluez_dbus import PrivateSystemBus  # noqa: E402

PROBE = sys.argv[1]
DROPIN_NAME = "51-bluez-disable-headset.lua"
DROPIN = ('-- Keep AVRCP for transport and volume controls, but do not register HFP/HSP.\n'
          'bluez_monitor.properties["bluez5.headset-roles"] = "[ ]"\n'
          'bluez_monitor.properties["bluez5.hfphsp-backend"] = "none"\n')
# No logind seat in a container: without this the monitor waits for one. A
# later name than Debian's 50-bluez-config.lua, which assigns the whole table.
NO_LOGIND = ("55-no-logind.lua", 'bluez_monitor.properties["with-logind"] = false\n')
ANCHOR = "re-selecting HFP/HSP backend"  # the bluez5 plugin choosing its HFP/HSP backend, in both runs
LOADING = "loading config file: "


class StackWithBluetooth(PipeWireServer):
    """The private PipeWire stack, with WirePlumber's drop-ins written before
    it starts, its debug log on, and the private system bus."""

    def __init__(self, system_bus, dropins):
        self.system_bus = system_bus
        self.dropins = dropins
        super().__init__()

    def _spawn(self, *argv, **kwargs):
        if argv[0] != "wireplumber":
            return super()._spawn(*argv, **kwargs)
        directory = os.path.join(self.env["XDG_CONFIG_HOME"], "wireplumber", "bluetooth.lua.d")
        os.makedirs(directory, exist_ok=True)
        for name, text in self.dropins:
            with open(os.path.join(directory, name), "w") as f:
                f.write(text)
        saved = dict(self.env)
        self.env.update(WIREPLUMBER_DEBUG="D", DBUS_SYSTEM_BUS_ADDRESS=self.system_bus.address)
        try:
            return super()._spawn(*argv, **kwargs)
        finally:
            self.env = saved

    def wireplumber_log(self):
        with open(os.path.join(self.dir, "wireplumber.log"), errors="replace") as f:
            return f.read()


def run(system_bus, dropins):
    stack = StackWithBluetooth(system_bus, dropins)
    try:
        wait_until(lambda: ANCHOR in stack.wireplumber_log(), 20, "the bluez5 plugin to choose its HFP/HSP backend")
        log = stack.wireplumber_log()
        probe = subprocess.run([PROBE, "audio-config", "/"], env=stack.env, capture_output=True, text=True, timeout=30)
        assert probe.returncode == 0, probe.stderr
        return log, json.loads(probe.stdout), stack.env["XDG_CONFIG_HOME"]
    finally:
        stack.stop()


def loaded_bluetooth_files(log):
    files = []
    for line in log.splitlines():
        at = line.find(LOADING)
        if at >= 0 and "/bluetooth.lua.d/" in line:
            files.append(line[at + len(LOADING):].strip())
    return files


def main():
    bus = PrivateSystemBus()
    try:
        bus.start_mock("org.bluez", "--template", "bluez5")
        bus.mock_call("AddAdapter", "ss", "hci0", "my-laptop")

        # Control: the native backend is tried.
        log, config, config_home = run(bus, [NO_LOGIND])
        assert "HFP/HSP backend native" in log, "control run: the native HFP/HSP backend was not tried"
        assert not [s for s in config["settings"] if s["key"] == "bluez5.hfphsp-backend"], config

        # The drop-in: loaded from the user's directory, in name order, and obeyed.
        log, config, config_home = run(bus, [NO_LOGIND, (DROPIN_NAME, DROPIN)])
        dropin = os.path.join(config_home, "wireplumber", "bluetooth.lua.d", DROPIN_NAME)
        loaded = loaded_bluetooth_files(log)
        assert dropin in loaded, (dropin, loaded)
        assert [os.path.basename(f) for f in loaded] == sorted(os.path.basename(f) for f in loaded), loaded
        assert "HFP/HSP backend native" not in log, "the drop-in's hfphsp-backend = none did not take effect"

        from_dropin = {s["key"]: s["value"] for s in config["settings"] if s["file"] == dropin}
        # (and the file's name, which says it disables the headset)
        assert from_dropin == {"disable-headset": "true", "bluez5.headset-roles": "[ ]",
                               "bluez5.hfphsp-backend": "none"}, config
        # The reader's files, in its order, are the files WirePlumber loaded, in its order.
        reported = []
        for s in config["settings"]:
            if "/bluetooth.lua.d/" in s["file"] and s["file"] not in reported:
                reported.append(s["file"])
        assert [f for f in loaded if f in reported] == reported, (loaded, reported)
        assert config["wireplumber_version"].startswith("0.4."), config
        assert config["wireplumber_dir"] == os.path.join(config_home, "wireplumber"), config
        print("wireplumber_config: ok")
    finally:
        bus.stop()


if __name__ == "__main__":
    main()
