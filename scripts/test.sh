#!/usr/bin/env bash
# The test command (README, CI): sets up the dependencies, then
#   1. builds the release preset and runs the whole test suite (CTest: unit tests, the shipped
#      rules' own tests, end-to-end runs of the binary, the headless-Chromium report test);
#   2. builds the asan preset (AddressSanitizer + UBSan) and runs the whole suite again;
#   3. runs each libFuzzer target for a short, bounded time (clang, ASan + UBSan).
# Options: --quick (step 1 only), --no-fuzz (steps 1-2), --fuzz-seconds N (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
fuzz=1
fuzz_seconds=30
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-fuzz) fuzz=0 ;;
    --fuzz-seconds) fuzz_seconds="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

setup_args=(--browser)  # chromium + node: the HTML report is tested in a real browser
[ "$quick" -eq 1 ] || [ "$fuzz" -eq 0 ] || setup_args+=(--fuzz)
bash scripts/setup.sh "${setup_args[@]}"

run_preset() {
  echo "=== $1: configure, build, test"
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1"
  ctest --preset "$1" -j2
}

run_preset release
if [ "$quick" -eq 0 ]; then
  run_preset asan
  if [ "$fuzz" -eq 1 ]; then
    echo "=== fuzzing, ${fuzz_seconds}s per target"
    bash scripts/fuzz.sh "$fuzz_seconds"
  fi
fi
echo "test.sh: all steps passed"
