#!/bin/sh
# Stops what bench/postfix-scan/start.sh started in $1 (default /tmp/postfix-scan-bench).
dir=${1:-/tmp/postfix-scan-bench}
postfix -c "$dir/etc" stop 2>/dev/null || true
[ -s "$dir/milters/spamass.pid" ] && kill "$(cat "$dir/milters/spamass.pid")" 2>/dev/null || true
exit 0
