#!/bin/sh
# Starts the benchmark's Postfix with content scanning in $1 (default /tmp/postfix-scan-bench):
# bench/postfix's instance plus spamass-milter, whose spamc asks the spamd at 127.0.0.1:$2 (default
# 7830). Needs root and Debian's postfix, spamass-milter and spamc.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/postfix-scan-bench}
port=${2:-7830}
"$here/stop.sh" "$dir" 2>/dev/null || true
rm -rf "$dir"
mkdir -p "$dir/etc" "$dir/spool/etc" "$dir/spool/milters" "$dir/data" "$dir/mail" "$dir/milters"
uid=$(id -u postfix)
gid=$(id -g postfix)
sed -e "s|@DIR@|$dir|g" -e "s|@UID@|$uid|g" -e "s|@GID@|$gid|g" "$here/../postfix/main.cf" "$here/main.cf.scan" \
  > "$dir/etc/main.cf"
sed -e "s|@DIR@|$dir|g" "$here/../postfix/master.cf" > "$dir/etc/master.cf"
chown postfix:postfix "$dir/data" "$dir/mail"
chmod 0777 "$dir/milters" "$dir/spool/milters"
# smtpd runs chrooted in the spool and resolves through the bench DNS on 127.0.0.1:53.
echo "nameserver 127.0.0.1" > "$dir/spool/etc/resolv.conf"
for f in hosts services nsswitch.conf localtime host.conf; do
  [ -e "/etc/$f" ] && cp -L "/etc/$f" "$dir/spool/etc/$f"
done
postfix -c "$dir/etc" set-permissions >/dev/null 2>&1 || true
postfix -c "$dir/etc" check
# -m: leave the body and Subject alone (Portcullis does not rewrite them either); the socket is
# made world-writable so that smtpd (user postfix) can connect.
(umask 000 && /usr/sbin/spamass-milter -p "$dir/spool/milters/spamass.sock" -P "$dir/milters/spamass.pid" -f -m \
  -- -d 127.0.0.1 -p "$port")
postfix -c "$dir/etc" start
for _ in $(seq 1 50); do
  [ -S "$dir/spool/milters/spamass.sock" ] && exit 0
  sleep 0.2
done
echo "bench: spamass-milter did not start" >&2
exit 1
