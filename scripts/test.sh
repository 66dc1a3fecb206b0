#!/usr/bin/env bash
# The test command: installs what the build and tests need (scripts/setup.sh), then builds and
# runs every module's tests. Exits with Maven's status. Extra arguments go to Maven
# (e.g. scripts/test.sh -pl examples).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
# The JMH sources are outside the normal build: compile them too so they never rot unseen.
mvn -B -q -Pjmh -pl collector-core/core -am -DskipTests test-compile
exec mvn -B verify "$@"
