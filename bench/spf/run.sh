#!/bin/bash
# SPF evaluations per second on one thread with a warm DNS cache (issue 14), for three record
# shapes: ip4 pass, an include chain, and no policy (bench SpfBench). No network: the zone is static.
#
#   bench/spf/run.sh                          5 rounds of 5 s per shape
#   ROUNDS=3 SECONDS_PER_ROUND=2 bench/spf/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
mkdir -p bench/results
out="bench/results/spf-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
./mvnw -q -B -DskipTests package test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.portcullis.bench.SpfBench "${ROUNDS:-5}" "${SECONDS_PER_ROUND:-5}" | tee "$out"
echo "written to $out"
