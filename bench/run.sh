#!/bin/sh
# The acceptance benchmark (issue 2): messages/second accepted by Portcullis (durable, and with
# fsync off) and by Postfix configured as an equivalent gateway (bench/postfix/; and with SPF, DKIM
# and DMARC by policyd-spf, OpenDKIM and OpenDMARC, bench/postfix-auth/), under the same
# load in the same run, rounds alternating; smtp-sink gives the load generator's ceiling. Content
# scanning (issue 15): Portcullis asking a spamd stand-in that answers in 70 ms (bench BenchSpamd),
# Postfix asking the same one through spamass-milter (bench/postfix-scan/), and Portcullis with a
# spamd that never answers. Recipient verification (issue 16): Portcullis relaying to an internal
# server (bench BenchRelay) without verification, and with verify.recipients = "callout" on a warm
# cache (one recipient) and a cold one (a new recipient per message).
# The load: 20 concurrent sessions, one 2 kB message per connection, every connection from a new
# 127.x.y.z address whose PTR/A/HELO the bench DNS (127.0.0.1:53) answers, default checks on.
#
#   bench/run.sh                                  3 rounds, 15 s warm-up, 20 s measured
#   ROUNDS=1 WARMUP=10 MEASURE=10 bench/run.sh    a quick look
#   BENCH_ONLY=portcullis-durable,portcullis-auth-off BENCH_JFR=1 bench/run.sh
#                                                 only those servers, each Portcullis run profiled (JFR)
#
# Needs root (Postfix, port 53) and Debian's packages postfix, postfix-policyd-spf-python, opendkim,
# opendmarc and spamass-milter (apt-get install ...).
# Results go to bench/results/<date>.txt; the summary is copied into docs/benchmarks.md.
set -eu
cd "$(dirname "$0")/.."
. .mvn/find-jdk.sh
for p in postfix /usr/bin/policyd-spf /usr/sbin/opendkim /usr/sbin/opendmarc /usr/sbin/spamass-milter; do
  command -v "$p" >/dev/null || { echo "bench: apt-get install postfix postfix-policyd-spf-python opendkim opendmarc spamass-milter first" >&2; exit 2; }
done
if ss -lun | grep -Eq '(127\.0\.0\.1|0\.0\.0\.0|\*):53 '; then
  echo "bench: UDP port 53 on 127.0.0.1 is taken; the bench DNS needs it (Postfix's resolver has no port setting)" >&2
  exit 2
fi
./mvnw -q -B -DskipTests package test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
mkdir -p bench/results
out="bench/results/$(date -u +%Y-%m-%dT%H%M%SZ).txt"
exec "$JAVA_HOME/bin/java" -Xmx512m -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.portcullis.bench.BenchRunner "${ROUNDS:-3}" "${SESSIONS:-20}" "${WARMUP:-15}" "${MEASURE:-20}" "${SIZE:-2048}" \
  "${BENCH_DIR:-/tmp/portcullis-bench}" "$out"
