#!/bin/bash
# JMH microbenchmarks on one thread (issue 14: sender authentication). Results go to
# bench/results/jmh-<time>.txt; quote the medians in docs/benchmarks.md.
#
#   bench/jmh/run.sh                                   all benchmarks, 1 fork, 3 x 2 s warm-up, 5 x 2 s
#   bench/jmh/run.sh AuthenticationBenchmark.dkim      a subset (a JMH regular expression)
#   FORKS=2 ITERATIONS=10 bench/jmh/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
mkdir -p bench/results
out="bench/results/jmh-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
./mvnw -q -B -DskipTests package test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
"$JAVA_HOME/bin/java" -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.openjdk.jmh.Main "${1:-org.portcullis.bench.}" -f "${FORKS:-1}" -wi 3 -w 2s -i "${ITERATIONS:-5}" -r 2s -t 1 \
  -jvmArgs "--enable-native-access=ALL-UNNAMED" | tee "$out"
echo "written to $out"
