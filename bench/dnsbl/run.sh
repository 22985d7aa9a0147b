#!/bin/bash
# The DNSBL benchmark (issue 3): queries/second of Portcullis's DNSBL server and of rbldnsd
# serving the same 1,000,000 random IPv4 listings (rbldnsd from `portcullis blocklist export`),
# measured with dnsperf in the same run, rounds alternating. Half the queries are for listed
# addresses, half for addresses that are not listed.
#
#   bench/dnsbl/run.sh                         3 rounds of 15 s per server
#   ROUNDS=1 DURATION=5 bench/dnsbl/run.sh     a quick look
#   BATCHED=false UDP_THREADS=1 DNSPERF_ARGS="-c 8 -q 1000" ...   other set-ups
#
# Each round: a throughput run (dnsperf at full speed, DNSPERF_ARGS) and a latency run (dnsperf -v
# at a fixed LATENCY_QPS, p50/p99 from every query's latency). The heap of the listings is
# measured once: live objects (jcmd GC.class_histogram) with the million listings, minus none.
# Needs Debian's dnsperf and rbldnsd (apt-get install dnsperf rbldnsd). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .mvn/find-jdk.sh
for tool in dnsperf rbldnsd; do
  command -v "$tool" >/dev/null || { echo "bench: apt-get install dnsperf rbldnsd first" >&2; exit 2; }
done
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
LISTINGS=${LISTINGS:-1000000}
QUERIES=${QUERIES:-200000}
LATENCY_QPS=${LATENCY_QPS:-50000}
DNSPERF_ARGS=${DNSPERF_ARGS:--T 2 -c 8 -q 1000}
UDP_THREADS=${UDP_THREADS:-0}
BATCHED=${BATCHED:-true}
WORK=${WORK:-/tmp/portcullis-dnsbl-bench}
ZONE=bl.bench.test
OURS=5310
THEIRS=5311
mkdir -p "$WORK" bench/results
out="bench/results/dnsbl-$(date -u +%Y-%m-%dT%H%M%SZ).txt"

config() { # data-dir
  cat <<TOML
[server]
hostname = "mx.bench.test"
data-dir = "$1"
[mail]
accepted-domains = ["bench.test"]
[smtp]
listen = "127.0.0.1:25250"
[submission]
enabled = false
[blocklist]
zone = "$ZONE"
[dnsbl-server]
listen = "127.0.0.1:$OURS"
name-servers = ["ns.bench.test"]
udp-threads = $UDP_THREADS
batched-udp = $BATCHED
TOML
}

if [ ! -s "$WORK/queries.txt" ] || [ "$(wc -l < "$WORK/listed.txt")" != "$LISTINGS" ]; then
  echo "bench: generating $LISTINGS listings and $QUERIES queries"
  rm -f "$WORK/listed.txt" "$WORK/queries.txt"
  awk -v N="$LISTINGS" -v Q="$QUERIES" -v SEED=5782 -v ZONE="$ZONE" -v LISTED="$WORK/listed.txt" \
    -v QUERIES="$WORK/queries.txt" -f bench/dnsbl/generate.awk
  rm -rf "$WORK/data"
fi
config "$WORK/data" > "$WORK/portcullis.toml"
config "$WORK/empty" > "$WORK/empty.toml"
if [ ! -s "$WORK/data/portcullis.db" ]; then
  ./portcullis blocklist import "$WORK/listed.txt" -c "$WORK/portcullis.toml" --category spam-source --note benchmark
fi
./portcullis blocklist export -c "$WORK/portcullis.toml" --output-dir "$WORK/rbldnsd" >/dev/null
chmod 755 "$WORK" "$WORK/rbldnsd"; chmod 644 "$WORK"/rbldnsd/*

wait_dns() { # port
  for _ in $(seq 1 240); do
    if dig +short +time=1 +tries=1 -p "$1" @127.0.0.1 "2.0.0.127.$ZONE" A 2>/dev/null | grep -qx '127.0.0.2'; then
      return 0
    fi
    sleep 0.5
  done
  echo "bench: nothing answers on port $1" >&2; exit 1
}

PID=
stop() {
  if [ -n "$PID" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  PID=
}
trap stop EXIT

start_ours() { # config
  ./portcullis serve -c "$1" > "$WORK/portcullis.log" 2>&1 &
  PID=$!
  wait_dns "$OURS"
}

start_theirs() {
  rbldnsd -n -e -b "127.0.0.1/$THEIRS" "$ZONE:ip4set:$WORK/rbldnsd/$ZONE.ip4set" \
    "$ZONE:ip6trie:$WORK/rbldnsd/$ZONE.ip6trie" > "$WORK/rbldnsd.log" 2>&1 &
  PID=$!
  wait_dns "$THEIRS"
}

live_heap_kb() { # pid of the JVM (the launcher execs java, so it is $PID)
  # The class histogram runs a full GC first and counts only live objects; FillerElement arrays
  # are the collector's padding of unused space, not objects, so they are left out.
  "$JAVA_HOME/bin/jcmd" "$1" GC.class_histogram \
    | awk '$1 ~ /^[0-9]+:$/ && $4 !~ /FillerElement/ { s += $3 } END { printf "%d", s / 1024 }'
}

cpu_ticks() { # pid -> user + system clock ticks so far
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

throughput() { # port -> "qps cpu-microseconds-per-query" (the server's CPU, from /proc)
  local before after
  before=$(cpu_ticks "$PID")
  # shellcheck disable=SC2086
  dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/queries.txt" -l "$DURATION" $DNSPERF_ARGS > "$WORK/dnsperf.out" 2>&1
  after=$(cpu_ticks "$PID")
  cat "$WORK/dnsperf.out" >> "$out"
  awk -v ticks=$(( after - before )) -v hz="$(getconf CLK_TCK)" '
    /Queries completed/ { done = $3 } /Queries per second/ { qps = $4 }
    END { printf "%.0f %.1f", qps, ticks * 1000000 / hz / done }' "$WORK/dnsperf.out"
}

latency() { # port -> "p50 p99" in microseconds
  dnsperf -s 127.0.0.1 -p "$1" -d "$WORK/queries.txt" -l 5 -Q "$LATENCY_QPS" -v 2>/dev/null \
    | awk '/^> / { print $NF * 1000000 }' | sort -n \
    | awk '{ v[NR] = $1 } END { printf "%.0f %.0f", v[int(NR * 0.50)], v[int(NR * 0.99)] }'
}

{
  echo "# DNSBL benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ): $LISTINGS listings, $QUERIES queries (half listed)"
  echo "# dnsperf $DNSPERF_ARGS, $DURATION s per throughput run; latency at $LATENCY_QPS qps offered"
  echo "# $(nproc) cores; $(rbldnsd -h 2>&1 | head -1); $(dnsperf -h 2>&1 | grep Version); Portcullis udp-threads=$UDP_THREADS batched-udp=$BATCHED"
} | tee "$out"

start_ours "$WORK/empty.toml"; empty_kb=$(live_heap_kb "$PID"); stop
start_ours "$WORK/portcullis.toml"; full_kb=$(live_heap_kb "$PID"); stop
echo "heap: live objects after full GC ${full_kb} KB with the listings, ${empty_kb} KB without: $(( full_kb - empty_kb )) KB for $LISTINGS listings" | tee -a "$out"

for round in $(seq 1 "$ROUNDS"); do
  start_ours "$WORK/portcullis.toml"; read -r ours_qps ours_cpu <<< "$(throughput "$OURS")"
  ours_lat=$(latency "$OURS"); stop
  start_theirs; read -r theirs_qps theirs_cpu <<< "$(throughput "$THEIRS")"
  theirs_lat=$(latency "$THEIRS"); stop
  ratio=$(awk -v a="$ours_qps" -v b="$theirs_qps" 'BEGIN { printf "%.2f", a / b }')
  echo "round $round: portcullis $ours_qps q/s ($ours_cpu us CPU/query, p50/p99 us: $ours_lat)," \
    "rbldnsd $theirs_qps q/s ($theirs_cpu us CPU/query, p50/p99 us: $theirs_lat), ratio $ratio" | tee -a "$out"
done
echo "results: $out"
