#!/bin/bash
# The time of a whole diagnosis against the in-process DNS test bed (issue 16): p50/p95 for a good
# server with the resolver cache off and on, and the worst case (a silent DNS server).
#   bench/diagnose/run.sh [RUNS]     (default 300)
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
mkdir -p bench/results
out="bench/results/diagnose-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
./mvnw -q -B -DskipTests test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.portcullis.bench.DiagnoseBench "${1:-300}" 2>/dev/null | tee "$out"
echo "written to $out"
