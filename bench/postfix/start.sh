#!/bin/sh
# Starts a private Postfix instance for the benchmark in $1 (default /tmp/postfix-bench), listening
# on 127.0.0.1:2526, resolving through the bench DNS on 127.0.0.1:53 (its chroot has its own
# resolv.conf; the machine's is not touched). Needs root and Debian's postfix package.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-/tmp/postfix-bench}
uid=$(id -u postfix)
gid=$(id -g postfix)
rm -rf "$dir"
mkdir -p "$dir/etc" "$dir/spool/etc" "$dir/data" "$dir/mail"
sed -e "s|@DIR@|$dir|g" -e "s|@UID@|$uid|g" -e "s|@GID@|$gid|g" "$here/main.cf" > "$dir/etc/main.cf"
cp "$here/master.cf" "$dir/etc/master.cf"
chown postfix:postfix "$dir/data" "$dir/mail"
echo "nameserver 127.0.0.1" > "$dir/spool/etc/resolv.conf"
for f in hosts services nsswitch.conf localtime host.conf; do
  [ -e "/etc/$f" ] && cp -L "/etc/$f" "$dir/spool/etc/$f"
done
postfix -c "$dir/etc" set-permissions >/dev/null 2>&1 || true
postfix -c "$dir/etc" check
postfix -c "$dir/etc" start
