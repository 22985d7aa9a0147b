#!/bin/sh
# Stops the benchmark's Postfix instance in $1 (default /tmp/postfix-bench).
dir=${1:-/tmp/postfix-bench}
postfix -c "$dir/etc" stop 2>/dev/null || true
