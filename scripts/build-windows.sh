#!/usr/bin/env bash
# Cross-compiles build-windows/micdoctor.exe with mingw-w64: one static exe
# that runs on a stock Windows 10/11 with nothing to install.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cmake -S . -B build-windows -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build-windows -j "$(nproc)" > /dev/null
echo "built build-windows/micdoctor.exe"
