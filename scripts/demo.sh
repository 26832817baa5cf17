#!/usr/bin/env bash
# Sets up the dependencies, builds nprcheck (release preset) and runs the main job,
# `nprcheck check`, on the bundled example extract. Reports go to reports/example/ (or $1).
#   env NPRCHECK_BUILD_DIR  use this (already configured) build folder instead of the release
#                           preset, without the set-up step (the test suite runs the demo so)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-reports/example}"
build="${NPRCHECK_BUILD_DIR:-}"
if [ -z "$build" ]; then
  bash scripts/setup.sh
  cmake --preset release >/dev/null
  build=build/release
fi
cmake --build "$build" --target nprcheck
set +e
"$build/nprcheck" check testdata/example --units testdata/example/units.csv \
  --format html,csv,sarif,junit --out "$out"
code=$?
set -e
echo "exit code $code (1 = the example has planted coding errors, as it should)"
echo "open $out/html/index.html in a browser; findings are in $out/findings.ndjson and .csv"
[ "$code" -le 1 ]
