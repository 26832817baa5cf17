#!/usr/bin/env bash
# Profiles `nprcheck check` on a generated extract (issue 7: "profile before optimising").
#
#   tests/bench/profile.sh [SIZE]            # perf (sampling) on build/bench-data/SIZE (default 100M)
#   tests/bench/profile.sh --callgrind FILE  # callgrind on one (small) extract file
#
# perf: a flat profile (self time per symbol) and the top call chains (frame pointers are not
# kept in Release builds, so the chains use DWARF unwinding on a short sample). Results go to
# build/bench/profile/. Run tests/bench/run_bench.sh first so that the binaries and data exist.
set -euo pipefail
# `perf report | head` ends perf report with SIGPIPE: that is not a failure here.
trim() { sed -e 's/ *- *- *$//' -e 's/ *$//' | cut -c1-220 || true; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build/bench}
DATA=${BENCH_DATA:-$ROOT/build/bench-data}
NPRCHECK=$BUILD/nprcheck
OUT=$BUILD/profile
mkdir -p "$OUT"
UNITS=${BENCH_UNITS:-$ROOT/testdata/units.csv}
[[ -x $NPRCHECK ]] || { echo "profile.sh: build $NPRCHECK first (run_bench.sh)" >&2; exit 2; }

if [[ ${1:-} == --callgrind ]]; then
  file=${2:?usage: profile.sh --callgrind FILE}
  rm -rf "$OUT/reports"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.out" \
    "$NPRCHECK" check --out "$OUT/reports" --units "$UNITS" \
    --format html,csv,sarif,junit --no-progress --threads 1 "$file" || true
  callgrind_annotate --inclusive=no "$OUT/callgrind.out" 2>/dev/null | head -60
  echo "full profile: callgrind_annotate $OUT/callgrind.out" >&2
  exit 0
fi

size=${1:-100M}
mapfile -t files < <(find "$DATA/$size" -maxdepth 1 -type f \( -name '*.xml' -o -name '*.xml.gz' \) | sort)
[[ -f $DATA/$size/units.csv ]] && UNITS=$DATA/$size/units.csv
(( ${#files[@]} > 0 )) || { echo "profile.sh: no extract in $DATA/$size (run run_bench.sh --size $size)" >&2; exit 2; }

rm -rf "$OUT/reports"
perf record -F 999 -o "$OUT/perf.data" -- "$NPRCHECK" check --out "$OUT/reports" \
  --units "$UNITS" --format html,csv,sarif,junit --no-progress "${files[@]}" \
  >/dev/null 2>"$OUT/perf-record.log" || true
set +o pipefail
perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,symbol 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -40 | trim | tee "$OUT/flat.txt"
echo
echo "threads (comm/tid), for the parallel split:"
perf report -i "$OUT/perf.data" --stdio --no-children --sort pid 2>/dev/null \
  | grep -v '^#' | grep -v '^$' | head -10 | trim | tee "$OUT/threads.txt"
set -o pipefail
# Call chains on the first file only (DWARF unwinding is heavy).
rm -rf "$OUT/reports"
perf record -F 199 --call-graph dwarf,16384 -o "$OUT/perf-dwarf.data" -- "$NPRCHECK" check \
  --out "$OUT/reports" --units "$UNITS" --format html,csv,sarif,junit \
  --no-progress "${files[0]}" >/dev/null 2>>"$OUT/perf-record.log" || true
set +o pipefail
perf report -i "$OUT/perf-dwarf.data" --stdio --children --sort symbol 2>/dev/null \
  | grep -E '^ +[0-9]' | head -40 | trim >"$OUT/inclusive.txt"
set -o pipefail
echo
echo "inclusive time (children included), top 40: $OUT/inclusive.txt"
cat "$OUT/inclusive.txt"
