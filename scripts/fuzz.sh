#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for a bounded time.
#
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 60 s, all targets)
#   targets: reader tables rules expr config
#   env NPRCHECK_FUZZ_BUILD  build folder (default build/fuzz, the `fuzz` preset's)
#   env NPRCHECK_FUZZ_NICE   nice level of the fuzzers (default 10: the machine stays usable)
#
# Seed corpora are gathered from testdata/ (and tests/fuzz/seeds/) into BUILD/seeds/<target>;
# new interesting inputs are kept in BUILD/corpus/<target> and reused by the next run, so
# repeated short runs add up. Each run's log is BUILD/logs/<target>-<time>.log and one line per
# run goes to BUILD/fuzz-record.tsv (target, seconds, executions, result) for docs/security.md.
# A crash, leak or timeout leaves BUILD/artifacts/<target>-crash-*: reproduce it with
#   BUILD/tests/fuzz/fuzz_<target> BUILD/artifacts/<target>-crash-...
# then fix it and turn it into a regression case in testdata/bad/ (see docs/security.md).
# Exit code: 0 when no target found anything, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(reader tables rules expr config)
build="${NPRCHECK_FUZZ_BUILD:-build/fuzz}"
nice_level="${NPRCHECK_FUZZ_NICE:-10}"

bash scripts/setup.sh --fuzz
# The `fuzz` preset's settings, in the chosen build folder.
cmake --preset fuzz -B "$build" >/dev/null
build_targets=()
for t in "${targets[@]}"; do build_targets+=("fuzz_$t"); done
cmake --build "$build" -j 2 --target "${build_targets[@]}"
mkdir -p "$build/artifacts" "$build/logs"

# Seeds: files from testdata/ (any depth), copied flat so that single files work too.
gather_seeds() {
  local t="$1" dir="$build/seeds/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  local patterns=() roots=()
  case "$t" in
    reader) roots=(testdata/example testdata/xml testdata/rules testdata/bad tests/fuzz/seeds/reader)
            patterns=('*.xml' '*.xml.gz') ;;
    tables) roots=(testdata/tables-cumulative testdata/bad/tables testdata/bad/tables-extra
                   tests/fuzz/seeds/tables)
            patterns=('*.csv') ;;
    rules)  roots=(rules testdata/rules tests/fuzz/seeds/rules) ; patterns=('*.yaml') ;;
    expr)   roots=(tests/fuzz/seeds/expr) ; patterns=('*') ;;
    config) roots=(testdata/config testdata/ops docs tests/fuzz/seeds/config)
            patterns=('*.yaml' '*.yml') ;;
  esac
  local n=0
  for r in "${roots[@]}"; do
    [ -e "$r" ] || continue
    for p in "${patterns[@]}"; do
      while IFS= read -r -d '' f; do
        # Keep seeds small: libFuzzer reads at most -max_len bytes of each.
        [ "$(stat -c %s "$f")" -le 262144 ] || continue
        cp "$f" "$dir/seed-$n-$(basename "$f")"
        n=$((n + 1))
      done < <(find "$r" -type f -name "$p" -print0 2>/dev/null)
    done
  done
  # The expression fuzzer takes expressions: pull them out of the rule files.
  if [ "$t" = expr ]; then
    while IFS= read -r -d '' f; do
      grep -E '^\s*(where|assert|codes|message|[a-z_]+):\s*"' "$f" 2>/dev/null |
        sed -E 's/^[^:]*:\s*"(.*)"\s*$/\1/' | while IFS= read -r e; do
          printf '%s' "$e" >"$dir/seed-$n-$RANDOM"
          n=$((n + 1))
        done
    done < <(find rules testdata/rules -name '*.yaml' -print0 2>/dev/null)
  fi
  # A gzip copy of each XML seed, so the reader's inflate path is fuzzed too.
  if [ "$t" = reader ]; then
    for f in "$dir"/*.xml; do [ -e "$f" ] && gzip -c "$f" >"$f.gz"; done
  fi
}

found=0
for t in "${targets[@]}"; do
  gather_seeds "$t"
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  dict=()
  [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  log="$build/logs/$t-$(date +%Y%m%dT%H%M%S).log"
  echo "== fuzz_$t for ${secs}s (log: $log)"
  rc=0
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    nice -n "$nice_level" "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=20 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=262144 "${dict[@]}" \
    -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 \
    "$corpus" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
  tail -n 14 "$log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="FOUND(rc=$rc): $(grep -m1 -E 'ERROR: |Test unit written to' "$log" | head -c 200)"
    found=1
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$(date -Is)" "$t" "$secs" "${execs:-?}" "$result" \
    >>"$build/fuzz-record.tsv"
done
exit "$found"
