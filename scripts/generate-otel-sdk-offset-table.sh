#!/usr/bin/env bash
# Regenerates collector-core/core/src/main/resources/dev/goroscope/gobinary/otelsdk/otel-sdk-offset-table.txt:
# lists the OpenTelemetry Go SDK releases on the Go module proxy (v1.14.0 and later), builds
# collector-core/core/src/test/go/otelsdkprobe against each with Go 1.26 (go get fetches the SDK's
# source through the proxy) and reads the span types' layout from each build's DWARF with
# goroscope's own reader; releases with equal layouts share a row. The rows are the SDK versions
# goroscope supports. Takes a few minutes (one build per release). Commit the result;
# SdkOffsetTableTest fails when the committed table and fresh builds disagree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl collector-core/core -am test-compile -DskipTests
cd collector-core/core
java -cp target/classes:target/test-classes:../record/target/classes:../../bpf/target/classes:../../bpf/target/test-classes \
  dev.goroscope.gobinary.otelsdk.SdkOffsetTableGenerator "$@"
