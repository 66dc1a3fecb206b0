#!/usr/bin/env bash
# Regenerates collector-core/core/src/main/resources/dev/goroscope/gobinary/offsets/offset-table.txt:
# builds collector-core/core/src/test/go/offsetprobe with the toolchain of every Go minor 1.19-1.27
# (GoToolchains.Toolchain: 1.19 from golang-1.19-go, 1.26 = go, the others GOTOOLCHAIN=go1.2x.y go,
# fetched by scripts/setup.sh) and reads their DWARF with goroscope's own reader: every row is
# regenerated, none typed by hand. Commit the result; OffsetTableTest fails when the committed table
# and the toolchains disagree. Another OffsetKeys field? Add it there and rerun this.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl collector-core/core -am test-compile -DskipTests
cd collector-core/core
java -cp target/classes:target/test-classes:../record/target/classes:../../bpf/target/test-classes \
  dev.goroscope.gobinary.offsets.OffsetTableGenerator "$@"
