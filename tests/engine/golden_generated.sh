#!/usr/bin/env bash
# Issue 16: findings stay byte-identical on a larger extract. Generates a 20,000-episode extract
# (seed 16, 10 % planted errors, one file gzip; the generator is deterministic), checks it and
# compares the SHA-256 of findings.ndjson and findings.csv with the values the engine gave before
# the speed rewrite (tests/engine/golden/generated-20000.sha256).
#   golden_generated.sh NPRCHECK [--update]
set -euo pipefail
bin=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$root/testdata/generator/gen_extract.py" --seed 16 --episodes 20000 --files 2 --gzip-one \
  --error-rate 0.1 --no-verify --out "$work/in" >/dev/null
cd "$work/in"
rc=0
"$bin" check --out "$work/out" --units units.csv --format csv --no-progress npr-* >/dev/null 2>&1 || rc=$?
[[ $rc == 1 ]] || { echo "FAIL: exit code $rc, expected 1 (findings)"; exit 1; }
(cd "$work/out" && sha256sum findings.ndjson findings.csv) >"$work/got.sha256"
if [[ ${2:-} == --update ]]; then cp "$work/got.sha256" "$here/golden/generated-20000.sha256"; exit 0; fi
if diff "$here/golden/generated-20000.sha256" "$work/got.sha256"; then
  echo "golden: $(wc -l <"$work/out/findings.ndjson") findings byte-identical"
else
  echo "FAIL: findings differ from the golden hashes (above: < golden, > now)"; exit 1
fi
