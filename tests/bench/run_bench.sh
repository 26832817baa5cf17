#!/usr/bin/env bash
# The benchmark of issue 7: nprcheck check vs the floor (single-threaded pugixml parse that only
# counts Episode elements) vs a Python + lxml implementation of the same rules, on the same
# generated extracts, under /usr/bin/time -v; then the cost per episode as the rule count grows.
#
#   tests/bench/run_bench.sh                    # quick: 100 MB, build first
#   tests/bench/run_bench.sh --size 100M,1G,2G  # the sizes docs/performance.md reports
#   tests/bench/run_bench.sh --size 1G --no-python --no-scaling
#
# Options:
#   --size LIST        comma-separated sizes: 100M, 1G, 2G (any <n>M or <n>G works); default 100M.
#                      5G and more (10G: a national year) are relabelled copies of the 1G extract
#   --repeat N         run every tool N times on each size and keep the fastest (default 1)
#   --no-build         use the binaries already in the build directory
#   --no-python        skip the Python baseline
#   --no-scaling       skip the rule-count scaling experiment
#   --scaling-size S   extract size for the scaling experiment (default 100M)
#   --rules-counts L   rule counts for the scaling experiment (default 17,50,100,200)
#   --threads N        nprcheck worker threads (default: all cores)
#   --markdown FILE    also write the Markdown tables to FILE (default build/bench/results.md)
#
# Environment: BENCH_BUILD (default build/bench), BENCH_DATA (default build/bench-data: generated
# extracts are cached there and never committed), PYTHON (an interpreter that has lxml).
# Each measured run starts with its input in the page cache (the files are read once before),
# so all three tools see the same warm cache. Extracts are plain XML.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BENCH_BUILD:-$ROOT/build/bench}
DATA=${BENCH_DATA:-$ROOT/build/bench-data}
GENERATOR=$ROOT/testdata/generator/gen_extract.py

sizes=100M
repeat=1
do_build=1
do_python=1
do_scaling=1
scaling_size=100M
rule_counts=17,50,100,200
threads=""
markdown=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) sizes=$2; shift 2 ;;
    --size=*) sizes=${1#*=}; shift ;;
    --repeat) repeat=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --no-python) do_python=0; shift ;;
    --no-scaling) do_scaling=0; shift ;;
    --scaling-size) scaling_size=$2; shift 2 ;;
    --rules-counts) rule_counts=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --markdown) markdown=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_bench.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
markdown=${markdown:-$BUILD/results.md}

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
die() { echo "run_bench.sh: $*" >&2; exit 2; }

# ------------------------------------------------------------------------------------ tools
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing (scripts/setup.sh --bench installs it)"
if [[ -z "${PYTHON:-}" ]]; then
  for p in /usr/bin/python3 python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import lxml.etree' 2>/dev/null; then PYTHON=$p; break; fi
  done
fi
if [[ $do_python == 1 && -z "${PYTHON:-}" ]]; then
  die "no python3 with lxml found (scripts/setup.sh --bench installs python3-lxml), or use --no-python"
fi

# ------------------------------------------------------------------------------------ (a) build
if [[ $do_build == 1 ]]; then
  log "building release binaries in $BUILD"
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNPRCHECK_BUILD_BENCH=ON \
    -DNPRCHECK_BUILD_TESTS=OFF >"$BUILD.cmake.log" 2>&1 || { cat "$BUILD.cmake.log" >&2; exit 2; }
  ninja -C "$BUILD" -j2 bench_floor >&2
  # The engine and the micro-benchmarks may not build while parts of the engine are missing:
  # then the floor and the baseline are still measured.
  ninja -C "$BUILD" -j2 nprcheck >&2 || { log "WARNING: nprcheck does not build"; rm -f "$BUILD/nprcheck"; }
  ninja -C "$BUILD" -j2 bench_micro >&2 || log "WARNING: bench_micro does not build"
fi
NPRCHECK=$BUILD/nprcheck
FLOOR=$BUILD/tests/bench/bench_floor
[[ -x $FLOOR ]] || die "$FLOOR not built"
have_nprcheck=1
[[ -x $NPRCHECK ]] || { log "WARNING: $NPRCHECK not built: measuring floor and baseline only"; have_nprcheck=0; }

# ------------------------------------------------------------------------------------ (b) data
size_mb() {  # 100M -> 100, 1G -> 1024
  case "$1" in
    *[Gg]) echo $(( ${1%[Gg]} * 1024 )) ;;
    *[Mm]) echo "${1%[Mm]}" ;;
    *) die "bad size '$1' (use e.g. 100M, 1G, 2G)" ;;
  esac
}

# Generates (once) an extract of about $1 MB into $DATA/<size>/, using the example generator.
generate() {
  local size=$1 mb dir
  mb=$(size_mb "$size")
  dir=$DATA/$size
  if [[ -f $dir/.complete ]]; then echo "$dir"; return; fi
  [[ -f $GENERATOR ]] || die "the example generator $GENERATOR is not there yet"
  if (( mb >= 5 * 1024 )); then replicate "$size" "$mb"; echo "$dir"; return; fi
  rm -rf "$dir"; mkdir -p "$dir"
  log "generating ~${mb} MB of extracts into $dir"
  "${PYTHON:-python3}" "$ROOT/tests/bench/gen_large.py" --generator "$GENERATOR" \
    --size-mb "$mb" --out "$dir" >&2 || die "generation failed"
  touch "$dir/.complete"
  echo "$dir"
}

# A national year (10G): the Python generator would need about 20 minutes of a core per 10 GB,
# so sizes of 5 GB and more are made of copies of the 1G extract (generated first), each copy's
# episodeID, episodeGUID and pasientNr given a copy prefix so that every episode is distinct (the
# copies are different files: nprcheck checks identical inputs only once).
replicate() {
  local size=$1 mb=$2 dir=$DATA/$1 src copies k f
  src=$(generate 1G)
  copies=$(( (mb + 1023) / 1024 ))
  rm -rf "$dir"; mkdir -p "$dir"
  log "building $size from $copies relabelled copies of $src"
  cp "$src/units.csv" "$dir/units.csv"
  for (( k = 1; k <= copies; k++ )); do
    for f in $(input_files "$src"); do
      sed -E "s/(episodeID|episodeGUID|pasientNr)=\"/\1=\"c${k}-/g" "$f" \
        >"$dir/c$(printf %02d "$k")-$(basename "$f")"
    done
  done
  touch "$dir/.complete"
}

input_files() { find "$1" -maxdepth 1 -type f \( -name '*.xml' -o -name '*.xml.gz' \) | sort; }
input_bytes() { local total=0 f; for f in $(input_files "$1"); do total=$(( total + $(stat -c %s "$f") )); done; echo $total; }
warm() { local f; for f in $(input_files "$1"); do cat "$f" >/dev/null; done; }

# ------------------------------------------------------------------------------------ (c) measure
RUN_DIR=$BUILD/bench-runs
mkdir -p "$RUN_DIR"

# measure NAME -- CMD...: runs CMD under /usr/bin/time -v ($repeat times, keeps the fastest);
# sets M_WALL (s), M_CPU (user+sys s), M_RSS (MB), M_RC, and leaves stdout/stderr in $RUN_DIR/NAME.*
measure() {
  local name=$1; shift; [[ $1 == -- ]] && shift
  local best="" i t0 t1 wall cpu rss rc
  for (( i = 0; i < repeat; i++ )); do
    t0=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$RUN_DIR/$name.time" "$@" >"$RUN_DIR/$name.out" 2>"$RUN_DIR/$name.err"
    rc=$?
    set -e
    t1=$(date +%s%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$RUN_DIR/$name.time")
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$RUN_DIR/$name.time")
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best=$wall; M_WALL=$wall; M_CPU=$cpu; M_RSS=$rss; M_RC=$rc
    fi
  done
}

fmt() { awk -v x="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, x }'; }
div() { awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { if (b == 0) print "-"; else printf "%.*f", d, a / b }'; }

machine="$(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
nprcheck_threads=()
[[ -n $threads ]] && nprcheck_threads=(--threads "$threads")

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
throughput_rows=()
ratio_rows=()
agreement_rows=()
target_rows=()
reference_rows=()
reference_failed=0

run_size() {
  local size=$1 dir files bytes mb episodes out
  dir=$(generate "$size")
  mapfile -t files < <(input_files "$dir")
  bytes=$(input_bytes "$dir")
  mb=$(div "$bytes" 1048576 1)
  log "size $size: ${#files[@]} file(s), $mb MB"
  local units=$ROOT/testdata/units.csv
  [[ -f $dir/units.csv ]] && units=$dir/units.csv  # the catalogue the generator wrote

  warm "$dir"
  log "  floor"
  measure "floor-$size" -- "$FLOOR" "${files[@]}"
  [[ $M_RC == 0 ]] || die "floor failed: $(cat "$RUN_DIR/floor-$size.err")"
  episodes=$(tail -1 "$RUN_DIR/floor-$size.out")
  local f_wall=$M_WALL
  throughput_rows+=("| $size | floor (pugixml, 1 thread) | $mb | $episodes | $M_WALL | $M_CPU | $(div "$bytes" "$(awk -v w="$M_WALL" 'BEGIN{print w*1048576}')" 1) | $(div "$episodes" "$M_WALL" 0) | $M_RSS |")

  local n_wall="" p_wall="" n_cpu="" n_rss="" p_cpu=""
  if [[ $have_nprcheck == 1 ]]; then
    out=$RUN_DIR/nprcheck-$size
    rm -rf "$out"
    warm "$dir"
    log "  nprcheck check (every shipped rule, --format html,csv,sarif,junit)"
    measure "nprcheck-$size" -- "$NPRCHECK" check --out "$out" --units "$units" \
      --format html,csv,sarif,junit --no-progress "${nprcheck_threads[@]}" "${files[@]}"
    if [[ $M_RC != 0 && $M_RC != 1 ]]; then
      log "  nprcheck exit code $M_RC: $(tail -5 "$RUN_DIR/nprcheck-$size.err")"
    fi
    n_wall=$M_WALL; n_cpu=$M_CPU; n_rss=$M_RSS
    local n_findings
    n_findings=$( [[ -f $out/findings.ndjson ]] && wc -l <"$out/findings.ndjson" || echo "?")
    throughput_rows+=("| $size | nprcheck check (exit $M_RC, $n_findings findings) | $mb | $episodes | $M_WALL | $M_CPU | $(div "$bytes" "$(awk -v w="$M_WALL" 'BEGIN{print w*1048576}')" 1) | $(div "$episodes" "$M_WALL" 0) | $M_RSS |")
  fi

  if [[ $do_python == 1 ]]; then
    warm "$dir"
    log "  Python + lxml baseline"
    measure "python-$size" -- "$PYTHON" "$ROOT/tests/bench/baseline_lxml.py" \
      --units "$units" --out "$RUN_DIR/python-$size.ndjson" "${files[@]}"
    [[ $M_RC == 0 ]] || die "baseline failed: $(tail -5 "$RUN_DIR/python-$size.err")"
    p_wall=$M_WALL; p_cpu=$M_CPU
    throughput_rows+=("| $size | Python + lxml baseline ($(wc -l <"$RUN_DIR/python-$size.ndjson") findings) | $mb | $episodes | $M_WALL | $M_CPU | $(div "$bytes" "$(awk -v w="$M_WALL" 'BEGIN{print w*1048576}')" 1) | $(div "$episodes" "$M_WALL" 0) | $M_RSS |")
  fi

  if [[ -n $n_wall ]]; then
    local n_cpu_gb p_cpu_ratio="-" p_wall_ratio="-" ok
    n_cpu_gb=$(div "$n_cpu" "$(awk -v b="$bytes" 'BEGIN { print b / 1e9 }')" 2)
    if [[ -n $p_wall ]]; then
      p_cpu_ratio=$(div "$p_cpu" "$n_cpu" 1); p_wall_ratio=$(div "$p_wall" "$n_wall" 1)
    fi
    ok() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN { if (a == "-") { print "-"; exit }
      m = (op == "le") ? (a + 0 <= b + 0) : (a + 0 >= b + 0); print (m ? "met" : "**not met**") }'; }
    [[ $p_cpu_ratio == - ]] || p_cpu_ratio+=x
    [[ $p_wall_ratio == - ]] || p_wall_ratio+=x
    target_rows+=("| $size | $n_cpu_gb ($(ok "$n_cpu_gb" 5 le)) | $p_cpu_ratio ($(ok "${p_cpu_ratio%x}" 10 ge)) | $p_wall_ratio ($(ok "${p_wall_ratio%x}" 20 ge)) | $(div "$f_wall" "$n_wall" 2)x ($(ok "$(div "$f_wall" "$n_wall" 2)" 1 ge)) | $n_rss ($(ok "$n_rss" 256 le)) |")
    local ref got
    ref=$(awk -v s="$size" '$1 == s { print $2 " " $3 }' "$ROOT/tests/bench/reference-findings.txt")
    if [[ -n $ref && -f $RUN_DIR/nprcheck-$size/findings.ndjson ]]; then
      got="$(sed -E 's#"file":"[^"]*/#"file":"#' "$RUN_DIR/nprcheck-$size/findings.ndjson" | sha256sum | cut -d' ' -f1) $(wc -l <"$RUN_DIR/nprcheck-$size/findings.ndjson")"
      if [[ $got == "$ref" ]]; then
        reference_rows+=("| $size | ${ref#* } | byte-identical to tests/bench/reference-findings.txt |")
      else
        reference_rows+=("| $size | ${got#* } | **DIFFERENT** from tests/bench/reference-findings.txt ($ref) |")
        reference_failed=1
      fi
    fi
    ratio_rows+=("| $size | $(div "$f_wall" "$n_wall" 2)x | $( [[ -n $p_wall ]] && echo "$(div "$p_wall" "$n_wall" 1)x" || echo "-") |")
  fi
  if [[ -n $n_wall && -n $p_wall && -f $RUN_DIR/nprcheck-$size/findings.ndjson ]]; then
    agreement_rows+=("$("$PYTHON" - "$RUN_DIR/nprcheck-$size/findings.ndjson" "$RUN_DIR/python-$size.ndjson" "$size" <<'EOF'
import collections, json, sys
# A finding is (episode, rule, codes named); the per-rule tally shows where they differ. Message
# texts are compared separately (the baseline's wording may lag the rule files).
def load(p):
    c, m = collections.Counter(), collections.Counter()
    with open(p, encoding="utf-8") as f:
        for line in f:
            j = json.loads(line)
            key = (j["episode"], j["rule"], ",".join(sorted(k["value"] for k in j["codes"])))
            c[key] += 1
            m[key + (j.get("message", ""),)] += 1
    return c, m
(a, am), (b, bm) = load(sys.argv[1]), load(sys.argv[2])
ra, rb = collections.Counter(k[1] for k in a - b), collections.Counter(k[1] for k in b - a)
diff = ["%s +%d/-%d" % (r, ra[r], rb[r]) for r in sorted(set(ra) | set(rb))]
same = a == b
msg = sum((am - bm).values()) if same else "-"
print("| %s | %d | %d | %s | %s |" % (sys.argv[3], sum(a.values()), sum(b.values()),
      "identical (episode, rule, codes)" if same else "; ".join(diff), msg))
EOF
)")
  fi
}

IFS=, read -r -a size_list <<<"$sizes"
for s in "${size_list[@]}"; do run_size "$s"; done

# ------------------------------------------------------------------------------------ (d) scaling
scaling_rows=()
make_variant() {  # make_variant N DIR: the shipped rules plus copies with new ids, N rules in all
  local n=$1 dir=$2 base copy i=0 f id
  rm -rf "$dir"; mkdir -p "$dir"
  cp -r "$ROOT/rules/." "$dir/"
  mapfile -t base < <(find "$ROOT/rules" -name '*.yaml' | sort)
  local have=${#base[@]} round=1
  while (( have < n )); do
    for f in "${base[@]}"; do
      (( have < n )) || break
      id=$(basename "$f" .yaml)
      copy=$dir/copies/$id-X$(printf %02d "$round").yaml
      mkdir -p "$dir/copies"
      sed "s/^id: $id\$/id: $id-X$(printf %02d "$round")/" "$f" >"$copy"
      have=$(( have + 1 ))
    done
    round=$(( round + 1 ))
  done
}

if [[ $do_scaling == 1 && $have_nprcheck == 1 ]]; then
  dir=$(generate "$scaling_size")
  mapfile -t files < <(input_files "$dir")
  units=$ROOT/testdata/units.csv
  [[ -f $dir/units.csv ]] && units=$dir/units.csv
  episodes=$(tail -1 "$RUN_DIR/floor-$scaling_size.out" 2>/dev/null || "$FLOOR" "${files[@]}")
  IFS=, read -r -a counts <<<"$rule_counts"
  base_cpu=""
  for n in "${counts[@]}"; do
    vdir=$RUN_DIR/rules-$n
    make_variant "$n" "$vdir"
    out=$RUN_DIR/scaling-$n
    rm -rf "$out"
    warm "$dir"
    log "scaling: $n rules on $scaling_size"
    # No optional report format (findings.ndjson, findings.csv, run.json, summary.json only): the
    # HTML/SARIF/JUnit writers would measure the size of the reports, not the rules.
    measure "scaling-$n" -- "$NPRCHECK" check --out "$out" --rules "$vdir" \
      --units "$units" --format "" --no-progress "${nprcheck_threads[@]}" "${files[@]}"
    [[ $M_RC == 0 || $M_RC == 1 ]] || log "  exit code $M_RC: $(tail -3 "$RUN_DIR/scaling-$n.err")"
    findings=$( [[ -f $out/findings.ndjson ]] && wc -l <"$out/findings.ndjson" || echo "?")
    [[ -z $base_cpu ]] && base_cpu=$M_CPU
    scaling_rows+=("| $n | $M_WALL | $M_CPU | $(div "$(awk -v w="$M_WALL" 'BEGIN{print w*1e6}')" "$episodes" 2) | $(div "$(awk -v w="$M_CPU" 'BEGIN{print w*1e6}')" "$episodes" 2) | $(div "$(awk -v c="$M_CPU" -v b="$base_cpu" 'BEGIN{print (c-b)*1e9}')" "$(awk -v e="$episodes" -v n="$n" 'BEGIN{print e*(n-17)}')" 0) | $findings | $M_RSS |")
  done
fi

# ------------------------------------------------------------------------------------ report
{
  echo "Machine: $machine. nprcheck threads: ${threads:-all cores}. Repeats: $repeat (fastest kept)."
  echo "Load average (1/5/15 min) at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| size | tool | input MB | episodes | wall s | CPU s | MB/s | episodes/s | peak RSS MB |"
  echo "|------|------|---------:|---------:|-------:|------:|-----:|-----------:|------------:|"
  printf '%s\n' "${throughput_rows[@]}"
  if (( ${#ratio_rows[@]} > 0 )); then
    echo
    echo "| size | nprcheck speed / floor speed (target >= 1) | nprcheck speed / Python speed (target >= 20) |"
    echo "|------|------:|------:|"
    printf '%s\n' "${ratio_rows[@]}"
  fi
  if (( ${#target_rows[@]} > 0 )); then
    echo
    echo "Issue 16's targets (CPU = user + system seconds; GB = 10^9 input bytes):"
    echo
    echo "| size | nprcheck CPU-s per GB (target <= 5) | Python CPU / nprcheck CPU (target >= 10) | Python wall / nprcheck wall (target >= 20) | nprcheck speed / floor speed (target >= 1) | peak RSS MB (target <= 256) |"
    echo "|------|------:|------:|------:|------:|------:|"
    printf '%s\n' "${target_rows[@]}"
  fi
  if (( ${#reference_rows[@]} > 0 )); then
    echo
    echo "| size | findings | compared with the findings before the speed work |"
    echo "|------|------:|------|"
    printf '%s\n' "${reference_rows[@]}"
  fi
  if (( ${#agreement_rows[@]} > 0 )); then
    echo
    echo "| size | nprcheck findings | Python findings | findings only in nprcheck/only in Python, per rule | same findings, other message text |"
    echo "|------|------:|------:|------|------:|"
    printf '%s\n' "${agreement_rows[@]}"
  fi
  if (( ${#scaling_rows[@]} > 0 )); then
    echo
    echo "Rule-count scaling on $scaling_size ($episodes episodes; copies of the shipped rules with new ids; no optional report formats):"
    echo
    echo "| rules | wall s | CPU s | wall µs/episode | CPU µs/episode | CPU ns per extra rule per episode | findings | peak RSS MB |"
    echo "|------:|-------:|------:|----------------:|---------------:|----------------------------------:|---------:|------------:|"
    printf '%s\n' "${scaling_rows[@]}"
  fi
} | tee "$markdown"
log "tables written to $markdown; raw outputs in $RUN_DIR"
(( reference_failed == 0 )) || die "findings differ from tests/bench/reference-findings.txt"
