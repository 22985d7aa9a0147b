#!/bin/sh
# Outbound deliveries/second from the queue (issue 6): a durable spool holding MESSAGES messages
# of SIZE octets for one remote domain is drained by the delivery service (MX transport,
# CONCURRENCY connections, connection reuse, per-recipient journal with fsync) into Postfix's
# smtp-sink on 127.0.0.1:$SINK_PORT, the domain's MX in the bench's static DNS.
#
#   bench/outbound/run.sh                         5 rounds of 20,000 messages, 20 connections, 2 kB
#   ROUNDS=1 MESSAGES=5000 bench/outbound/run.sh  a quick look
#
# Needs Debian's postfix package for smtp-sink (apt-get install postfix).
# Results go to bench/results/outbound-<date>.txt; the summary is copied into docs/benchmarks.md.
set -eu
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
command -v smtp-sink >/dev/null || { echo "bench: apt-get install postfix first (for smtp-sink)" >&2; exit 2; }
SINK_PORT=${SINK_PORT:-25300}
./mvnw -q -B -DskipTests package test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
mkdir -p bench/results
out="bench/results/outbound-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
# smtp-sink: PIPELINING and 8BITMIME as Postfix offers them; drops privileges to nobody when root.
smtp-sink -u nobody 127.0.0.1:"$SINK_PORT" 1024 &
sink=$!
trap 'kill $sink 2>/dev/null || true' EXIT INT TERM
sleep 0.5
"$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.portcullis.bench.OutboundBench "${ROUNDS:-5}" "${MESSAGES:-20000}" "${CONCURRENCY:-20}" "${SIZE:-2048}" \
  "$SINK_PORT" "${BENCH_DIR:-/tmp/portcullis-outbound-bench}" "$out"
echo "results: $out"
