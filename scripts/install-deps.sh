#!/usr/bin/env bash
# Installs every Debian 12 package micdoctor needs to build, test and benchmark.
# Idempotent: packages already present are left alone. Needs root (or sudo).
set -euo pipefail

packages=(
  # build
  build-essential cmake git pkg-config clang clang-tidy libclang-rt-14-dev
  # libraries the code links against
  libsndfile1-dev libebur128-dev libkissfft-dev nlohmann-json3-dev libcli11-dev libpulse-dev libasound2-dev
  libboost-dev  # Beast and Asio (header-only), the local web server of micdoctor ui
  libsystemd-dev  # sd-journal (the kernel log) and sd-bus (BlueZ on the system bus)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev valgrind
  # test corpus and reference tools (generated at test time, never committed)
  python3 python3-numpy sox libsox-fmt-all espeak-ng flite alsa-utils ffmpeg time
  pocketsphinx-testdata codec2-examples  # recorded human speech for the corpus
  # real sound servers the tests and the demo start privately (never the system's)
  pulseaudio pulseaudio-utils pipewire pipewire-bin pipewire-pulse wireplumber dbus
  python3-dbusmock  # BlueZ's D-Bus interface on a private system bus (tests/servers/test_bluez_dbus.py)
  libspa-0.2-bluetooth  # PipeWire's bluez5 plugin, which WirePlumber drives (tests/servers/test_wireplumber_config.py)
  fwupd fwupd-tests  # the real firmware daemon and its test devices on a private system bus (tests/servers/test_fwupd.py)
  systemd-journal-remote  # writes real journal files for the kernel log's journald path (tests/servers/test_journal_kernel_log.py)
  # the Windows build (cross-compiled with mingw-w64) and Wine to run its tests
  g++-mingw-w64-x86-64 wine wine64
  # the Debian package (cmake --build build --target package) and its test in a clean Debian 12 root
  dpkg-dev debootstrap desktop-file-utils man-db file lintian zsh fish
  librsvg2-bin  # rsvg-convert: micdoctor.exe's icon drawn from data/icons/micdoctor.svg
  python3-pefile  # reads the exe's manifest, version and icon back (tests/windows/test_wine_resources.py)
  # Media Foundation under Wine decodes through GStreamer (winegstreamer): WAV, FLAC, MP3, M4A/AAC
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-libav
  # the HTML report, loaded in a real browser by the tests
  chromium chromium-driver python3-selenium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
