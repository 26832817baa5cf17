#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a bounded time.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, all targets)
# Seed corpora come from testdata/; new interesting inputs are kept in build/fuzz/corpus/<target>.
# A crash leaves crash-* files in build/fuzz/artifacts/: turn each into a regression test in
# testdata/bad/ (see docs/security.md).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader tables rules config)
bash scripts/setup.sh --fuzz
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
mkdir -p build/fuzz/artifacts
for t in "${targets[@]}"; do
  corpus="build/fuzz/corpus/$t"
  mkdir -p "$corpus"
  seeds=()
  case "$t" in
    reader) seeds=(testdata/xml testdata/example) ;;
    tables) seeds=(testdata/tables-cumulative testdata/bad/tables) ;;
    rules) seeds=(testdata/rules) ;;
    config) seeds=(testdata/config) ;;
  esac
  existing=()
  for s in "${seeds[@]}"; do [ -d "$s" ] && existing+=("$s"); done
  echo "== fuzz_$t for ${secs}s"
  ./build/fuzz/tests/fuzz/fuzz_"$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=262144 -artifact_prefix=build/fuzz/artifacts/"$t"- -print_final_stats=1 \
    "$corpus" "${existing[@]}" 2>&1 | tail -n 12
done
