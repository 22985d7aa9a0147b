#!/bin/bash
# The portal benchmark (issue 5): requests/second for /ref/<ref> and /lookup/<ip> with wrk
# (Debian package), 64 connections, 2 threads. Starts Portcullis with its defaults in a work
# directory, makes one refusal (a relay attempt, so a real reference) and one listing with
# evidence, warms both pages up, then runs ROUNDS rounds of DURATION seconds per page.
#
#   bench/portal/run.sh                    3 rounds of 15 s per page
#   ROUNDS=1 DURATION=5 bench/portal/run.sh
#
# Needs wrk and swaks (apt-get install wrk swaks). Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in wrk swaks; do
  command -v "$tool" >/dev/null || { echo "bench: apt-get install $tool first" >&2; exit 2; }
done
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-15}
WORK=${WORK:-/tmp/portcullis-portal-bench}
rm -rf "$WORK"; mkdir -p "$WORK" bench/results
out="bench/results/portal-$(date -u +%Y-%m-%dT%H%M%SZ).txt"
cat > "$WORK/portcullis.toml" <<TOML
[server]
hostname = "mx.bench.test"
data-dir = "$WORK/data"
[smtp]
listen = "127.0.0.1:25290"
[submission]
enabled = false
[dnsbl-server]
listen = "127.0.0.1:5331"
[web]
listen = "127.0.0.1:8099"
# wrk's 64 connections are one client network; the limit is still counted on every page.
page-views-per-minute = 1000000
[policy-service]
listen = "127.0.0.1:10039"
TOML
./portcullis blocklist report 192.0.2.66 -c "$WORK/portcullis.toml" --note "bench: seen on our spam traps" \
  --helo mail.spam.example --sender someone@spam.example >/dev/null
./portcullis serve -c "$WORK/portcullis.toml" > "$WORK/portcullis.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q "ready:" "$WORK/portcullis.log" && break; sleep 0.5; done
# From outside the LAN (127.0.0.1 is the default LAN, which may relay).
ref=$(swaks --server 127.0.0.1:25290 --local-interface 127.0.0.2 --helo mail.example.org --from a@example.org \
  --to b@elsewhere.example 2>&1 | grep -oE '(ref=|/ref/)[0-9A-Z]+' | head -1 | sed 's|.*[=/]||') || true
[ -n "$ref" ] || { echo "bench: no refusal reference" >&2; exit 1; }
sleep 1 # the refusal record is written within 20 ms
base=http://127.0.0.1:8099
for page in "/ref/$ref" /lookup/192.0.2.66; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base$page")
  [ "$code" = 200 ] || { echo "bench: $page answered $code" >&2; exit 1; }
  wrk -t2 -c64 -d10s "$base$page" >/dev/null # warm-up, not counted
done
{
  echo "# portal benchmark $(date -u +%Y-%m-%dT%H:%M:%SZ): wrk -t2 -c64 -d${DURATION}s, $(nproc) cores; $(wrk -v 2>&1 | head -1)"
} | tee "$out"
for round in $(seq 1 "$ROUNDS"); do
  for page in "/ref/$ref" /lookup/192.0.2.66; do
    result=$(wrk -t2 -c64 -d"${DURATION}s" --latency "$base$page")
    rps=$(printf '%s\n' "$result" | awk '/Requests\/sec/ { printf "%.0f", $2 }')
    p50=$(printf '%s\n' "$result" | awk '$1 == "50%" { print $2 }')
    p99=$(printf '%s\n' "$result" | awk '$1 == "99%" { print $2 }')
    errors=$(printf '%s\n' "$result" | awk '/Non-2xx|Socket errors/ { printf "%s ", $0 }')
    echo "round $round: ${page%%/[0-9A-Z]*[0-9A-Z]} $rps requests/s, p50 $p50, p99 $p99 ${errors}" | tee -a "$out"
  done
done
echo "results: $out"
