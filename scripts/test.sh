#!/usr/bin/env bash
# Sets up the dependencies, builds the release preset and runs the whole test suite (CTest).
# With --asan, does the same under AddressSanitizer + UBSan (the asan preset).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=release
setup_args=(--browser)   # chromium: the HTML report is tested in a real browser
for arg in "$@"; do
  case "$arg" in
    --asan) preset=asan ;;
    -h|--help) echo "usage: scripts/test.sh [--asan]"; exit 0 ;;
    *) echo "test.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done
bash scripts/setup.sh "${setup_args[@]}"
cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
