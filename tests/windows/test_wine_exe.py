#!/usr/bin/python3
"""micdoctor.exe as Explorer sees it, under Wine and by reading the file:
- the double-click: platform::started_by_double_click() (through the
  test-only micdoctor_console_probe.exe built beside micdoctor.exe) is true
  for a program alone in a console of its own (as Explorer starts it: here
  `wine start`, wineconsole), false in a shell's console (cmd) and without a
  console; from a shell micdoctor.exe without arguments prints the usage;
- the resources, read from the exe with pefile: the manifest's settings, the
  version (the same as `micdoctor.exe --version`) and the icon, drawn from
  data/icons/micdoctor.svg at every size.
What Wine cannot show (Explorer itself, Windows Terminal, the manifest taking
effect) is in docs/ui.md.
Usage: test_wine_exe.py PATH/TO/micdoctor.exe"""
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

import pefile

from wineprefix import WinePrefix, windows_path

HERE = os.path.dirname(os.path.abspath(__file__))
SVG = os.path.normpath(os.path.join(HERE, "..", "..", "data", "icons", "micdoctor.svg"))
EXE = None
ICON_SIZES = [16, 20, 24, 32, 40, 48, 64, 128, 256]
WINDOWS_10_AND_11 = "{8e0f7a12-bfb3-4fe8-b9a5-48fd50a15a9a}"


class InOwnPrefix(unittest.TestCase):
    """A private Wine prefix (and so a private wineserver) for the class."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="micdoctor-wine-exe-")
        # No sound driver: nothing here records, and Wine must not look for the host's sound server.
        cls.prefix = WinePrefix(cls.dir, sound=False, display=False).make()
        cls.env = cls.prefix.env

    @classmethod
    def tearDownClass(cls):
        cls.prefix.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def wine(self, *args, timeout=60, **kwargs):
        return subprocess.run(["wine", *args], env=self.env, capture_output=True, text=True, timeout=timeout,
                              **kwargs)


class DoubleClick(InOwnPrefix):
    count = 0

    def probe(self, start):
        """Runs the probe as `start` says; what it saw: "double-click" or "terminal"."""
        DoubleClick.count += 1
        out = os.path.join(self.dir, f"probe{self.count}.txt")
        probe = os.path.join(os.path.dirname(EXE), "src", "micdoctor_console_probe.exe")
        start(probe, out)
        with open(out, encoding="utf-8") as f:
            return f.read().strip()

    def test_alone_in_a_console_of_its_own_is_a_double_click(self):
        # What Explorer does: a new console, the program its only process.
        seen = self.probe(lambda probe, out: self.wine("start", "/wait", "/unix", probe, windows_path(out)))
        self.assertEqual(seen, "double-click")
        seen = self.probe(lambda probe, out: subprocess.run(
            ["wineconsole", probe, windows_path(out)], env=self.env, capture_output=True, timeout=60))
        self.assertEqual(seen, "double-click")

    def test_in_a_shells_console_it_is_a_terminal(self):
        # cmd in a console of its own starts the program in that console: two processes share it.
        seen = self.probe(lambda probe, out: self.wine("start", "/wait", "cmd", "/c", windows_path(probe),
                                                        windows_path(out)))
        self.assertEqual(seen, "terminal")

    def test_without_a_console_it_is_not_a_double_click(self):
        # Started with pipes for its output (a script, a service): no console at all.
        seen = self.probe(lambda probe, out: self.wine(probe, windows_path(out), stdin=subprocess.DEVNULL))
        self.assertEqual(seen, "terminal")

    def test_wine_in_a_unix_terminal_gives_the_program_a_console_of_its_own(self):
        # Wine's own behaviour, said in docs/ui.md: from a Unix terminal
        # `wine micdoctor.exe` is alone in the console Wine makes for the
        # terminal, so it counts as a double-click (unlike cmd or PowerShell).
        if shutil.which("script") is None:
            self.skipTest("script (bsdutils) is not installed")
        seen = self.probe(lambda probe, out: subprocess.run(
            ["script", "-qec", shlex.join(["wine", probe, windows_path(out)]), "/dev/null"], env=self.env,
            capture_output=True, timeout=60, stdin=subprocess.DEVNULL))
        self.assertEqual(seen, "double-click")

    def test_from_a_shell_without_arguments_it_prints_the_usage(self):
        # micdoctor.exe itself, started by cmd in cmd's console, as a person typing its name would.
        output = os.path.join(self.dir, "usage.txt")
        status = os.path.join(self.dir, "status.txt")
        batch = os.path.join(self.dir, "run.bat")
        with open(batch, "w", encoding="ascii", newline="\r\n") as f:
            f.write(f'@"{windows_path(os.path.abspath(EXE))}" > "{windows_path(output)}" 2>&1\n')
            f.write(f'@echo %ERRORLEVEL% > "{windows_path(status)}"\n')
        self.wine("start", "/wait", "cmd", "/c", windows_path(batch))
        with open(output, encoding="utf-8") as f:
            self.assertIn("usage: micdoctor COMMAND [OPTIONS]", f.read())
        with open(status, encoding="ascii") as f:
            self.assertEqual(f.read().strip(), "2")


class Resources(InOwnPrefix):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pe = pefile.PE(EXE)

    @classmethod
    def tearDownClass(cls):
        cls.pe.close()
        super().tearDownClass()

    def resources(self, kind):
        """{id: bytes} of every resource of a type (the first language of each)."""
        found = {}
        for entry in self.pe.DIRECTORY_ENTRY_RESOURCE.entries:
            if entry.id != pefile.RESOURCE_TYPE[kind]:
                continue
            for resource in entry.directory.entries:
                data = resource.directory.entries[0].data.struct
                found[resource.id] = self.pe.get_data(data.OffsetToData, data.Size)
        return found

    def version(self):
        p = self.wine(EXE, "--version")
        self.assertEqual(p.returncode, 0, p.stderr)
        name, version = p.stdout.split()
        self.assertEqual(name, "micdoctor")
        return version

    def test_the_manifest_asks_for_the_invokers_rights_utf8_and_per_monitor_dpi(self):
        manifests = self.resources("RT_MANIFEST")
        self.assertEqual(list(manifests), [1])  # CREATEPROCESS_MANIFEST_RESOURCE_ID, and only one
        root = ET.fromstring(manifests[1])
        ns = {"asm1": "urn:schemas-microsoft-com:asm.v1", "asm3": "urn:schemas-microsoft-com:asm.v3",
              "compat": "urn:schemas-microsoft-com:compatibility.v1",
              "ws2005": "http://schemas.microsoft.com/SMI/2005/WindowsSettings",
              "ws2016": "http://schemas.microsoft.com/SMI/2016/WindowsSettings",
              "ws2019": "http://schemas.microsoft.com/SMI/2019/WindowsSettings"}
        level = root.find("asm3:trustInfo/asm3:security/asm3:requestedPrivileges/asm3:requestedExecutionLevel", ns)
        self.assertEqual(level.get("level"), "asInvoker")
        self.assertEqual(level.get("uiAccess"), "false")
        settings = root.find("asm3:application/asm3:windowsSettings", ns)
        self.assertEqual(settings.find("ws2019:activeCodePage", ns).text, "UTF-8")
        self.assertEqual(settings.find("ws2016:dpiAwareness", ns).text.split(",")[0].strip(), "PerMonitorV2")
        self.assertEqual(settings.find("ws2005:dpiAware", ns).text, "true/pm")
        oses = [os_.get("Id") for os_ in root.findall("compat:compatibility/compat:application/compat:supportedOS", ns)]
        self.assertIn(WINDOWS_10_AND_11, oses)
        identity = root.find("asm1:assemblyIdentity", ns)
        self.assertEqual(identity.get("version"), self.version() + ".0")

    def test_the_version_resource_is_the_version_the_exe_prints(self):
        version = self.version()
        strings = {}
        for info in self.pe.FileInfo[0]:
            for table in getattr(info, "StringTable", []):
                strings.update({k.decode(): v.decode() for k, v in table.entries.items()})
        self.assertEqual(strings["FileVersion"], version)
        self.assertEqual(strings["ProductVersion"], version)
        self.assertEqual(strings["ProductName"], "Microphone Doctor")
        self.assertEqual(strings["FileDescription"], "Microphone Doctor")  # Task Manager's name for it
        self.assertEqual(strings["OriginalFilename"], "micdoctor.exe")
        fixed = self.pe.VS_FIXEDFILEINFO[0]
        numbers = (fixed.FileVersionMS >> 16, fixed.FileVersionMS & 0xFFFF, fixed.FileVersionLS >> 16,
                   fixed.FileVersionLS & 0xFFFF)
        self.assertEqual(numbers, tuple(int(n) for n in version.split(".")) + (0,))

    def test_the_icon_is_the_svg_drawn_at_every_size(self):
        groups = self.resources("RT_GROUP_ICON")
        self.assertEqual(len(groups), 1)
        group = next(iter(groups.values()))
        _, kind, count = struct.unpack_from("<HHH", group)
        self.assertEqual(kind, 1)
        images = self.resources("RT_ICON")
        sizes = []
        for i in range(count):
            width, height, _, _, _, bits, size, icon_id = struct.unpack_from("<BBBBHHIH", group, 6 + 14 * i)
            png = images[icon_id]
            self.assertEqual(len(png), size)
            self.assertTrue(png.startswith(b"\x89PNG\r\n\x1a\n"))
            png_width, png_height = struct.unpack(">II", png[16:24])
            self.assertEqual((png_width, png_height), (width or 256, height or 256))
            self.assertEqual(bits, 32)
            sizes.append(png_width)
            # Drawn from the one icon source, not a picture of its own.
            drawn = subprocess.run(["rsvg-convert", f"--width={png_width}", f"--height={png_width}", SVG],
                                   capture_output=True, check=True).stdout
            self.assertEqual(png, drawn, f"the {png_width} px icon is not data/icons/micdoctor.svg")
        self.assertEqual(sorted(sizes), ICON_SIZES)


if __name__ == "__main__":
    EXE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
