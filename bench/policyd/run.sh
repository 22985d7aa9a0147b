#!/bin/bash
# The policy-service benchmark (issue 4): requests/second of Portcullis's Postfix policy service
# and of postgrey (Debian package) under the same load in the same run, rounds alternating:
# 4 persistent connections, one request at a time each (as Postfix's smtpd processes send them),
# half repeating triplets that already passed, half new triplets (bench PolicyLoad).
# Both greylist with a 1 s delay (so the warm-up can pass the repeated pool) and group clients
# by /24; Portcullis runs only greylisting (its DNS-based checks off: postgrey has none).
#
#   bench/policyd/run.sh                        3 rounds of 15 s each, after 10 s of warm-up load
#   ROUNDS=1 DURATION=5 bench/policyd/run.sh    a quick look
#   EXTRA_TOML='[log]
#   level = "warn"' bench/policyd/run.sh         extra Portcullis settings (TOML tables)
#
# Needs Debian's postgrey (apt-get install postgrey). Loopback only; runs postgrey as root's
# child with its database in the work directory.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
command -v postgrey >/dev/null || { echo "bench: apt-get install postgrey first" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-10}
CONNECTIONS=${CONNECTIONS:-4}
WORK=${WORK:-/tmp/portcullis-policyd-bench}
OURS=10035
THEIRS=10036
mkdir -p "$WORK" bench/results
out="bench/results/policyd-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
./mvnw -q -B -DskipTests package test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
CP="target/test-classes:target/classes:$(cat target/bench.classpath)"

PID=
stop() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
trap stop EXIT

wait_port() {
  for _ in $(seq 1 120); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "bench: nothing listens on $1" >&2; exit 1
}

start_ours() {
  rm -rf "$WORK/data"
  cat > "$WORK/portcullis.toml" <<TOML
[server]
hostname = "mx.bench.test"
data-dir = "$WORK/data"
[smtp]
listen = "127.0.0.1:25280"
[submission]
enabled = false
[dnsbl-server]
listen = "127.0.0.1:5330"
[web]
listen = "127.0.0.1:8098"
[policy-service]
listen = "127.0.0.1:$OURS"
[greylist]
enabled = true
delay-seconds = 1
group-by-ptr-domain = false
${EXTRA_TOML:-}
[checks.client-ptr]
mode = "off"
[checks.client-fcrdns]
mode = "off"
[checks.client-generic-ptr]
mode = "off"
[checks.helo-resolves]
mode = "off"
[checks.sender-domain]
mode = "off"
[checks.helo-ptr-match]
mode = "off"
TOML
  ./portcullis serve -c "$WORK/portcullis.toml" > "$WORK/portcullis.log" 2>&1 &
  PID=$!
  wait_port "$OURS"
}

start_theirs() {
  rm -rf "$WORK/postgrey"; mkdir -p "$WORK/postgrey"; chown postgrey "$WORK/postgrey" 2>/dev/null || true
  postgrey --inet="127.0.0.1:$THEIRS" --dbdir="$WORK/postgrey" --delay=1 --auto-whitelist-clients=0 \
    > "$WORK/postgrey.log" 2>&1 &
  PID=$!
  wait_port "$THEIRS"
}

load() { # port -> requests/s
  "$JAVA_HOME/bin/java" -cp "$CP" org.portcullis.bench.PolicyLoad "$1" "$CONNECTIONS" "$DURATION" 1 "$WARMUP" | tee -a "$out" \
    | awk '{ print $6 }'
}

{
  echo "# policy service benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ): $CONNECTIONS connections, $DURATION s after $WARMUP s of warm-up, half new triplets"
  echo "# $(nproc) cores; $(postgrey --version 2>&1 | head -1)"
} | tee "$out"
for round in $(seq 1 "$ROUNDS"); do
  start_ours; ours=$(load "$OURS"); stop
  start_theirs; theirs=$(load "$THEIRS"); stop
  ratio=$(awk -v a="$ours" -v b="$theirs" 'BEGIN { printf "%.2f", a / b }')
  echo "round $round: portcullis $ours requests/s, postgrey $theirs requests/s, ratio $ratio" | tee -a "$out"
done
echo "results: $out"
