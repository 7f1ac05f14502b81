"""A private Wine prefix (and so a private wineserver) for one test class.

Every Wine test makes its own prefix in a directory it owns, so the tests can
run in parallel and leave nothing behind: the prefix is made by `wineboot -i`
(about 20 s, which a class may overlap with its own preparations through
start()/wait()), and stop() ends its wineserver before the directory goes.
"""
import os
import subprocess

# No Mono or Gecko installers (nothing here needs them, and they would be
# downloaded); Wine's own debug channels off.
DLL_OVERRIDES = "mscoree,mshtml="
# For tests that record nothing: Wine must not look for the host's sound server.
WITHOUT_SOUND = DLL_OVERRIDES + ";winepulse.drv,winealsa.drv="


def windows_path(path):
    """A host path as Windows programs under Wine see it (drive Z: is /)."""
    return "Z:" + path.replace("/", "\\")


class WinePrefix:
    def __init__(self, directory, base_env=None, sound=True, display=True, **extra_env):
        """A prefix in `directory`/wineprefix; `base_env` (default: this process's)
        carries a private sound server's variables when the exe records."""
        self.path = os.path.join(directory, "wineprefix")
        self.env = dict(base_env if base_env is not None else os.environ, WINEPREFIX=self.path, WINEDEBUG="-all",
                        WINEDLLOVERRIDES=DLL_OVERRIDES if sound else WITHOUT_SOUND, **extra_env)
        if not display:
            self.env.pop("DISPLAY", None)
        self._boot = None

    def start(self):
        """Begins making the prefix; wait() for it."""
        self._boot = subprocess.Popen(["wine", "wineboot", "-i"], env=self.env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def wait(self, timeout=180):
        try:
            _, err = self._boot.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._boot.kill()
            self._boot.communicate()
            raise RuntimeError(f"wineboot did not finish in {timeout} s") from None
        if self._boot.returncode != 0:
            raise RuntimeError(f"wineboot failed ({self._boot.returncode}): {err.decode(errors='replace')[-2000:]}")
        return self

    def make(self, timeout=180):
        return self.start().wait(timeout)

    def stop(self):
        """Ends the prefix's wineserver and every Windows process in it."""
        if self._boot is not None and self._boot.poll() is None:
            self._boot.kill()
            self._boot.communicate()
        subprocess.run(["wineserver", "-k"], env=self.env, capture_output=True, timeout=30)
