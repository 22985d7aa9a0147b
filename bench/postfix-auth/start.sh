#!/bin/sh
# Starts the benchmark's Postfix with sender authentication in $1 (default /tmp/postfix-auth-bench):
# bench/postfix's instance plus postfix-policyd-spf-python, OpenDKIM and OpenDMARC (Debian's
# packages postfix-policyd-spf-python, opendkim, opendmarc), all resolving through the bench DNS on
# 127.0.0.1:53. The policy daemon and OpenDMARC read /etc/resolv.conf, so they run in a mount
# namespace where it names 127.0.0.1; the machine's file is not touched. Needs root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/postfix-auth-bench}
"$here/../postfix/stop.sh" "$dir" 2>/dev/null || true
rm -rf "$dir"
mkdir -p "$dir/etc" "$dir/spool/etc" "$dir/spool/milters" "$dir/data" "$dir/mail" "$dir/milters"
uid=$(id -u postfix)
gid=$(id -g postfix)
sed -e "s|@DIR@|$dir|g" -e "s|@UID@|$uid|g" -e "s|@GID@|$gid|g" "$here/../postfix/main.cf" "$here/main.cf.auth" \
  > "$dir/etc/main.cf"
sed -e "s|@DIR@|$dir|g" "$here/../postfix/master.cf" "$here/master.cf.auth" > "$dir/etc/master.cf"
cp "$here/policyd-spf.conf" "$dir/policyd-spf.conf"
for m in opendkim opendmarc; do
  sed -e "s|@DIR@|$dir/milters|g" -e "s|@SOCKETS@|$dir/spool/milters|g" "$here/$m.conf" > "$dir/milters/$m.conf"
done
chown postfix:postfix "$dir/data" "$dir/mail"
chmod 0777 "$dir/milters" "$dir/spool/milters"
echo "nameserver 127.0.0.1" > "$dir/resolv.conf"
cp "$dir/resolv.conf" "$dir/spool/etc/resolv.conf"
for f in hosts services nsswitch.conf localtime host.conf; do
  [ -e "/etc/$f" ] && cp -L "/etc/$f" "$dir/spool/etc/$f"
done
postfix -c "$dir/etc" set-permissions >/dev/null 2>&1 || true
postfix -c "$dir/etc" check
unshare -m sh -c "mount --bind '$dir/resolv.conf' /etc/resolv.conf \
  && /usr/sbin/opendkim -x '$dir/milters/opendkim.conf' \
  && /usr/sbin/opendmarc -c '$dir/milters/opendmarc.conf' \
  && postfix -c '$dir/etc' start"
for _ in $(seq 1 50); do
  [ -s "$dir/milters/opendkim.pid" ] && [ -s "$dir/milters/opendmarc.pid" ] && exit 0
  sleep 0.2
done
echo "bench: OpenDKIM or OpenDMARC did not start" >&2
exit 1
