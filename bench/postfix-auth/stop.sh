#!/bin/sh
# Stops what bench/postfix-auth/start.sh started in $1 (default /tmp/postfix-auth-bench).
dir=${1:-/tmp/postfix-auth-bench}
postfix -c "$dir/etc" stop 2>/dev/null || true
for m in opendkim opendmarc; do
  [ -s "$dir/milters/$m.pid" ] && kill "$(cat "$dir/milters/$m.pid")" 2>/dev/null || true
done
exit 0
