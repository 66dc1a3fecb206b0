#!/usr/bin/env bash
# One-command benchmarks (not part of scripts/test.sh; run as root, on a quiet machine when the
# numbers matter). Installs what it needs (scripts/setup.sh --runtime), builds goroscope and the
# harness with Maven, then runs the benchmark. Progress goes to stderr, the report (markdown) to
# stdout:
#
#   scripts/bench.sh overhead [--against REV] [--rounds N] [--requests M] [--modes a,b] ...
#       goroscope's overhead against no tracer, Go's runtime/trace and flight recorder, and
#       empty uprobes at goroscope's own sites; see docs/benchmarks.md. --help lists options.
#       --against REV also builds goroscope at commit REV and runs its base modes in the same
#       run (before/after).
#   scripts/bench.sh correlator [--against REV] [--rounds N]
#       the correlator's JMH throughput (per CPU second) and bytes per goroutine, optionally
#       against an older commit in the same run (scripts/bench-correlator.sh).
#   scripts/bench.sh sampled [--goroutines 100,100000]
#       what `attach --mode sampled` costs end to end: the sidecar's CPU per sample, on a
#       program with that many goroutines (scripts/bench-sampled.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: scripts/bench.sh overhead [--against REV] [options]   (scripts/bench.sh overhead --help for the options)" >&2
  echo "       scripts/bench.sh correlator [--against REV] [--rounds N]" >&2
  echo "       scripts/bench.sh sampled [--goroutines 100,100000]" >&2
}

case "${1:-}" in
  overhead) shift ;;
  correlator) shift; exec scripts/bench-correlator.sh "$@" ;;
  sampled) shift; exec scripts/bench-sampled.sh "$@" ;;
  -h | --help) usage; exit 0 ;;
  "") usage; exit 2 ;;
  *) echo "bench: no benchmark named '$1'" >&2; usage; exit 2 ;;
esac

# --against REV: the baseline build, passed on as --baseline; every other option goes through.
against=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --against) [[ $# -ge 2 ]] || { echo "bench: --against needs a revision" >&2; exit 2; }
      against="$2"; shift 2 ;;
    --against=*) against="${1#--against=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done

scripts/setup.sh --runtime
echo "bench: building goroscope and the benchmark harness (mvn -Pbench -pl integration-tests -am -DskipTests package)" >&2
# Always built: benchmarking a stale goroscope.jar would measure the wrong code.
mvn -B -q -Dstyle.color=never -Pbench -pl integration-tests -am -DskipTests package >&2
if [[ -n "$against" ]]; then
  rev="$(git rev-parse --verify "$against^{commit}")" || { echo "bench: no commit '$against'" >&2; exit 2; }
  base="$(mktemp -d /tmp/goroscope-bench-base.XXXXXX)"
  trap 'rm -rf "$base"' EXIT
  git clone -q --no-checkout . "$base/src"
  git -C "$base/src" checkout -q "$rev"
  echo "bench: building goroscope at $against ($rev) as the baseline" >&2
  # The launcher's jar: collector-core/cli since the module split, collector-core before it.
  module=collector-core/cli
  [[ -d "$base/src/$module" ]] || module=collector-core
  (cd "$base/src" && mvn -B -q -Dstyle.color=never -pl "$module" -am -DskipTests package >&2)
  args+=(--baseline "$base/src/goroscope" --baseline-name "$against (${rev:0:12})")
fi
classpath="integration-tests/target/test-classes:$(cat integration-tests/target/bench.classpath)"
# Not exec'd: the baseline's temporary build is removed when the run ends.
java -cp "$classpath" \
  -Dgoroscope.launcher="$PWD/goroscope" \
  -Dgoroscope.bench.programs="$PWD/integration-tests/src/test/go/overhead" \
  dev.goroscope.it.bench.OverheadBenchmark "${args[@]}"
