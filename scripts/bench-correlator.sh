#!/usr/bin/env bash
# The correlator's JMH benchmarks, optionally against an older commit in the same run
# (scripts/bench.sh correlator --help). Both builds run alternately, round after round, so a
# busy machine slows both alike; throughput is counted per second of the benchmark thread's own
# CPU time (the [cpu] lines of CorrelatorThroughputBenchmark), which other load hardly moves.
# Bytes per goroutine come from CorrelatorHeapBenchmark (heap after GC, 1,000,000 goroutines).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

against=""
rounds=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --against) against="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    -h | --help)
      cat >&2 <<'EOF'
usage: scripts/bench.sh correlator [--against REV] [--rounds N]
  --against REV   also build the benchmarks of commit REV and report current/REV ratios
  --rounds N      alternate the builds N times (default 3); the table shows medians
EOF
      exit 0 ;;
    *) echo "bench: unknown option '$1' (scripts/bench.sh correlator --help)" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d /tmp/goroscope-bench-correlator.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# classpath ROOT -> prints the JMH classpath of the module under ROOT that holds src/jmh.
classpath() {
  local root="$1" jmh module
  jmh="$(cd "$root" && find . -path ./node_modules -prune -o -path '*/src/jmh' -type d -print | head -1)"
  [[ -n "$jmh" ]] || { echo "bench: no src/jmh under $root" >&2; exit 2; }
  module="${jmh%/src/jmh}"; module="${module#./}"
  echo "bench: building the JMH benchmarks of $root/$module" >&2
  (cd "$root" && mvn -B -q -Dstyle.color=never -Pjmh -pl "$module" -am -DskipTests test-compile \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath >&2)
  # jmh-classes where the profile compiles them now, test-classes in older commits.
  echo "$root/$module/target/jmh-classes:$root/$module/target/test-classes:$root/$module/target/classes:$(cat "$root/$module/target/jmh.classpath")"
}

declare -A cp
cp[current]="$(classpath "$PWD")"
sides=(current)
if [[ -n "$against" ]]; then
  rev="$(git rev-parse --verify "$against^{commit}")" || { echo "bench: no commit '$against'" >&2; exit 2; }
  git clone -q --no-checkout . "$work/base"
  git -C "$work/base" checkout -q "$rev"
  cp[base]="$(classpath "$work/base")"
  sides=(base current)
fi

# One JMH run per side and round; the [cpu] and [heap] lines the benchmarks print are kept.
for ((r = 1; r <= rounds; r++)); do
  for side in "${sides[@]}"; do
    echo "bench: round $r/$rounds, $side" >&2
    java -cp "${cp[$side]}" org.openjdk.jmh.Main -f 1 -wi 2 -w 2s -i 3 -r 2s \
      CorrelatorThroughputBenchmark 2>&1 | grep -a '^\[cpu\]' | sed "s/^/$side /" >>"$work/lines"
    java -cp "${cp[$side]}" org.openjdk.jmh.Main -f 1 -wi 0 -i 1 -bm ss CorrelatorHeapBenchmark \
      2>&1 | grep -a '^\[heap\]' | sed "s/^/$side /" >>"$work/lines"
  done
done

# Medians per side and case, then the ratio current/base.
awk -v sides="${sides[*]}" '
  function median(key,   n, i, j, t, a) {
    n = split(vals[key], a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  $2 == "[cpu]" { split($5, kv, "="); key = "events per CPU second, " $4 " mix"; vals[$1 SUBSEP key] = vals[$1 SUBSEP key] " " kv[2]; keys[key] = 1 }
  $2 == "[heap]" { split($3, st, "="); split($4, kv, "="); key = "bytes per goroutine, " st[2]; vals[$1 SUBSEP key] = vals[$1 SUBSEP key] " " kv[2]; keys[key] = 1 }
  END {
    n = split(sides, s, " ")
    for (key in keys) {
      if (n == 2) {
        b = median("base" SUBSEP key); c = median("current" SUBSEP key)
        printf "| %s | %d | %d | %.2f |\n", key, b, c, (b > 0 ? c / b : 0)
      } else printf "| %s | %d |\n", key, median("current" SUBSEP key)
    }
  }' "$work/lines" | sort >"$work/rows"
if [[ -n "$against" ]]; then
  echo "correlator: current $(git rev-parse --short HEAD) against base ${rev:0:7}, $rounds rounds, medians"
  echo "| measure | base | current | current/base |"; echo "|---|---|---|---|"
else
  echo "correlator: current $(git rev-parse --short HEAD), $rounds rounds, medians"
  echo "| measure | current |"; echo "|---|---|"
fi
cat "$work/rows"
