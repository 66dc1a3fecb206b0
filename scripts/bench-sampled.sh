#!/usr/bin/env bash
# What `goroscope attach --mode sampled` costs end to end (scripts/bench.sh sampled --help):
# the whole sidecar process's CPU (every thread: sampling, correlating, writing, JIT, GC, from
# /proc/PID/stat) per sample, on manyprog (collector-core/core/src/test/go/manyprog: N goroutines
# parked a few calls deep on channels, selects and mutexes). Each run attaches, waits out the
# warm-up, then counts the sidecar's CPU and the samples written over a measured window. The
# target's own CPU over the window shows that being sampled costs it nothing (reads go through
# process_vm_readv; the target is never stopped).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$PWD"

goroutines=(100 100000)
warmup=25
window=20
while [[ $# -gt 0 ]]; do
  case "$1" in
    --goroutines) IFS=, read -r -a goroutines <<<"$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    -h | --help)
      cat >&2 <<'EOF'
usage: scripts/bench.sh sampled [--goroutines 100,100000] [--warmup S] [--window S]
  For each goroutine count, three runs of `goroscope attach --mode sampled --sample-interval 1s
  --output jsonl` (output counted, then dropped):
    launcher      the launcher's JVM options, --partial-interval 1h (sampling, correlating,
                  one sample line per sample: what a sample costs)
    C1 only       the same with GOROSCOPE_JAVA_OPTS=-XX:TieredStopAtLevel=1 (precise mode's JIT)
    partials      the launcher's options and the default --partial-interval (10 s): every
                  goroutine alive 10 s is written again as a partial record every 10 s
  --warmup S      seconds after attach before measuring (default 25: JIT and first samples)
  --window S      seconds measured (default 20)
EOF
      exit 0 ;;
    *) echo "bench: unknown option '$1' (scripts/bench.sh sampled --help)" >&2; exit 2 ;;
  esac
done
[[ $EUID -eq 0 ]] || { echo "bench: run as root (goroscope reads the target's memory)" >&2; exit 2; }

scripts/setup.sh --runtime >&2
echo "bench: building goroscope" >&2
mvn -B -q -DskipTests package >&2
work="$(mktemp -d /tmp/goroscope-bench-sampled.XXXXXX)"
trap 'rm -rf "$work"' EXIT
(cd collector-core/core/src/test/go/manyprog && go build -o "$work/manyprog" .)
hz="$(getconf CLK_TCK)"

cpu_ms() { awk -v hz="$hz" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$1/stat"; }

# run N LABEL JAVA_OPTS [goroscope args...] -> one markdown row
run() {
  local n="$1" label="$2" opts="$3"
  shift 3
  mkfifo "$work/stdin"
  "$work/manyprog" "$n" <"$work/stdin" >"$work/target.out" 2>&1 &
  local target=$!
  exec 7>"$work/stdin"
  until grep -q ready "$work/target.out"; do sleep 0.2; done
  GOROSCOPE_JAVA_OPTS="$opts" "$root/goroscope" attach --mode sampled --sample-interval 1s \
    --pid "$target" --output jsonl "$@" 2>"$work/err" \
    | grep --line-buffered '"type":"sample"' >"$work/samples" &
  local sidecar=""
  for _ in $(seq 50); do
    sidecar="$(pgrep -f "goroscope.jar attach --mode sampled .*--pid $target" | head -1 || true)"
    [[ -n "$sidecar" ]] && break
    sleep 0.1
  done
  [[ -n "$sidecar" ]] || { echo "bench: goroscope did not start: $(cat "$work/err")" >&2; exit 1; }
  sleep "$warmup"
  local c0 t0 s0 c1 t1 s1 load
  c0="$(cpu_ms "$sidecar")"; t0="$(cpu_ms "$target")"; s0="$(samples)"
  sleep "$window"
  c1="$(cpu_ms "$sidecar")"; t1="$(cpu_ms "$target")"; s1="$(samples)"
  load="$(cut -d' ' -f1 /proc/loadavg)"
  # TERM, not INT: a script's background jobs ignore SIGINT. goroscope stops the same way.
  kill -TERM "$sidecar"
  while kill -0 "$sidecar" 2>/dev/null; do sleep 0.2; done
  exec 7>&-
  wait 2>/dev/null || true
  rm -f "$work/stdin" "$work/samples"
  local taken=$((s1 - s0))
  ((taken > 0)) || { echo "bench: no sample in the window ($label, $n goroutines)" >&2; exit 1; }
  printf '| %s | %s | %s ms | %d of %d | **%s ms** | %.2f %% | %s ms | %s |\n' "$n" "$label" \
    "$c0" "$taken" "$window" "$(((c1 - c0) / taken))" \
    "$(echo "($c1 - $c0) * 100 / ($window * 1000 * $(nproc))" | bc -l)" "$((t1 - t0))" "$load"
}

# samples: sample lines the sidecar has written so far
samples() {
  wc -l <"$work/samples"
}

echo "# goroscope --mode sampled, end to end ($(date -u +%F), $(nproc) CPUs, $(uname -r))"
echo
echo "| goroutines | JVM | CPU in the first ${warmup} s | samples in ${window} s | sidecar CPU per sample | of the machine's CPU | target CPU in the window | load |"
echo "|---|---|---|---|---|---|---|---|"
for n in "${goroutines[@]}"; do
  run "$n" "launcher" "" --partial-interval 1h
  run "$n" "C1 only" "-XX:TieredStopAtLevel=1" --partial-interval 1h
  run "$n" "launcher, partials every 10 s" ""
done
