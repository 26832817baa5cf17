#!/usr/bin/env bash
# Headless-Chromium test of the HTML report (issue 5): writes report sets with the test_report
# binary (hidden Catch2 tag [.browser-fixture]), then opens them in Debian's chromium through
# the DevTools protocol (tests/browser/browser_test.mjs, plain node, no npm packages).
#
# usage: tests/browser/run_browser_test.sh TEST_REPORT_BINARY [--screenshots DIR] [--keep]
#   --screenshots DIR   also save index.png, unit.png, unit-table.png, unit-rules.png,
#                       unit-trend.png, rule.png (1400x900) and unit-print.png into DIR
#   --keep              keep the generated reports (their folder is printed)
# env:   CHROMIUM=/path/to/chromium (default: chromium on PATH), NODE=/path/to/node
# exit:  0 pass, 1 fail, 77 skipped (no chromium or no node with WebSocket: install with
#        scripts/setup.sh --browser)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 1 ]; then
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi
test_report="$1"; shift
screenshots=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshots) screenshots="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "run_browser_test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done

chromium="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
  echo "SKIP: chromium is not installed (scripts/setup.sh --browser installs it)"
  exit 77
fi
node="${NODE:-$(command -v node || true)}"
if [ -z "$node" ]; then
  echo "SKIP: node is not installed"
  exit 77
fi
# node 22 has WebSocket built in; node 20/21 need a flag.
node_flags=()
if ! "$node" -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)' 2>/dev/null; then
  if "$node" --experimental-websocket -e 'process.exit(typeof WebSocket === "undefined" ? 1 : 0)' \
       2>/dev/null; then
    node_flags=(--experimental-websocket)
  else
    echo "SKIP: this node ($("$node" --version)) has no WebSocket client"
    exit 77
  fi
fi

out="$(mktemp -d "${TMPDIR:-/tmp}/nprcheck-browser.XXXXXX")"
if [ "$keep" = 1 ]; then
  echo "reports kept in $out"
else
  trap 'rm -rf "$out"' EXIT
fi

NPRCHECK_BROWSER_OUT="$out" "$test_report" "[.browser-fixture]" > "$out/fixture.log" 2>&1 || {
  cat "$out/fixture.log"; echo "FAIL: could not write the reports"; exit 1; }

shot_args=()
if [ -n "$screenshots" ]; then shot_args=(--screenshots "$screenshots"); fi
"$node" "${node_flags[@]}" "$here/browser_test.mjs" --chromium "$chromium" --reports "$out" \
  "${shot_args[@]}"
