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
  # The expression fuzzer takes one byte (scope, expected type, template?) and an expression:
  # pull the where/let/assert/codes/message values out of the rule files.
  if [ "$t" = expr ]; then
    python3 - "$dir" rules testdata/rules <<'EOF'
import os, re, sys
out, roots = sys.argv[1], sys.argv[2:]
scopes = {'episode': 0, 'tilstand': 1, 'tiltak': 2, 'prosedyre': 3, 'kode': 4}
n = 0
for root in roots:
    for base, _, files in os.walk(root):
        for f in files:
            if not f.endswith('.yaml'):
                continue
            text = open(os.path.join(base, f), encoding='utf-8', errors='replace').read()
            m = re.search(r'^scope:\s*(\w+)', text, re.M)
            scope = scopes.get(m.group(1), 0) if m else 0
            for key, value in re.findall(r'^\s*(where|assert|codes|message|[a-z_]+):\s*"(.*)"\s*$',
                                         text, re.M):
                expect = {'where': 1, 'assert': 1, 'codes': 2}.get(key, 0)
                first = scope | (expect << 3) | (0x20 if key == 'message' else 0)
                with open(os.path.join(out, 'rule-%d' % n), 'wb') as seed:
                    seed.write(bytes([first]) + value.encode())
                n += 1
EOF
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
  touch "$build/logs/.start-$t"
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    nice -n "$nice_level" "$build/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout=20 \
    -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=262144 "${dict[@]}" \
    -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1 \
    "$corpus" "$build/seeds/$t" >"$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then
    tail -n 6 "$log"
  else
    # The whole report from its first line (the summary alone hides the top of the stack), and
    # the input itself, so that a finding on a CI machine can be reproduced anywhere.
    sed -n '/==[0-9]*==\|ALARM\|deadly signal\|ERROR: libFuzzer/,$p' "$log" | head -n 120
    find "$build/artifacts" -name "$t-*" -newer "$build/logs/.start-$t" -type f | while read -r a; do
      echo "-- $a ($(stat -c %s "$a") bytes), base64 of its first 8 KiB:"
      head -c 8192 "$a" | base64 -w 100
    done
  fi
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
