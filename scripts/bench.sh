#!/usr/bin/env bash
# One-command benchmarks (not part of scripts/test.sh; run as root, on a quiet machine when the
# numbers matter). Installs what it needs (scripts/setup.sh --runtime), builds goroscope and the
# harness with Maven, then runs the benchmark. Progress goes to stderr, the report (markdown) to
# stdout:
#
#   scripts/bench.sh overhead [--rounds N] [--requests M] [--clients N] [--modes a,b] ...
#       goroscope's overhead against no tracer, Go's runtime/trace and flight recorder, and
#       empty uprobes at goroscope's own sites; see docs/benchmarks.md. --help lists options.
#   scripts/bench.sh correlator [--against REV] [--rounds N]
#       the correlator's JMH throughput (per CPU second) and bytes per goroutine, optionally
#       against an older commit in the same run (scripts/bench-correlator.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: scripts/bench.sh overhead [options]   (scripts/bench.sh overhead --help for the options)" >&2
  echo "       scripts/bench.sh correlator [--against REV] [--rounds N]" >&2
}

case "${1:-}" in
  overhead) shift ;;
  correlator) shift; exec scripts/bench-correlator.sh "$@" ;;
  -h | --help) usage; exit 0 ;;
  "") usage; exit 2 ;;
  *) echo "bench: no benchmark named '$1'" >&2; usage; exit 2 ;;
esac

scripts/setup.sh --runtime
echo "bench: building goroscope and the benchmark harness (mvn -Pbench -pl integration-tests -am -DskipTests package)" >&2
# Always built: benchmarking a stale goroscope.jar would measure the wrong code.
mvn -B -q -Dstyle.color=never -Pbench -pl integration-tests -am -DskipTests package >&2
classpath="integration-tests/target/test-classes:$(cat integration-tests/target/bench.classpath)"
exec java -cp "$classpath" \
  -Dgoroscope.launcher="$PWD/goroscope" \
  -Dgoroscope.bench.programs="$PWD/integration-tests/src/test/go/overhead" \
  dev.goroscope.it.bench.OverheadBenchmark "$@"
