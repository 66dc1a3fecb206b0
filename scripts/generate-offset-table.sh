#!/usr/bin/env bash
# Regenerates collector-core/core/src/main/resources/dev/goroscope/gobinary/offsets/offset-table.txt:
# builds collector-core/core/src/test/go/offsetprobe with every Go toolchain here (1.19 from
# golang-1.19-go, 1.26 = go, 1.27 = GOTOOLCHAIN=go1.27.3 go) and reads their DWARF with
# goroscope's own reader. Rows 1.20-1.25 come from the reference notes (marked documented).
# Commit the result; OffsetTableTest fails when the committed table and the toolchains disagree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl collector-core/core -am test-compile -DskipTests
cd collector-core/core
java -cp target/classes:target/test-classes:../record/target/classes:../../bpf/target/test-classes \
  dev.goroscope.gobinary.offsets.OffsetTableGenerator "$@"
