#!/bin/sh
# Mail our users send leaves DKIM-signed, and a real receiver verifies it: Portcullis (a key made
# with `portcullis dkim keygen`, a submission user, delivery through a smarthost) relays to a
# private Postfix on 127.0.0.1:2528 whose OpenDKIM milter (Debian's opendkim, verify mode, the
# public key from a file) writes Authentication-Results into the delivered message. Checks:
#   a message submitted with AUTH arrives with dkim=pass header.d=example.test header.s=it;
#   a message from the LAN (no login) arrives signed and passing too;
#   the same signed message with one body line changed, sent straight to Postfix, is dkim=fail
#   (the verifier is not rubber-stamping).
# Needs root and the packages postfix, opendkim and swaks. Loopback only. Exit 0 when all hold.
set -eu
cd "$(dirname "$0")/../.."
. it/postfix-instance.sh
for tool in postfix swaks opendkim; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] \
    || { echo "it: apt-get install postfix opendkim swaks first" >&2; exit 2; }
done
work=${WORK:-/tmp/portcullis-dkim-it}
smtp_port=2528
milter_port=8891
rm -rf "$work"
mkdir -p "$work/opendkim"

cat > "$work/portcullis.toml" <<TOML
[server]
hostname = "mx.example.test"
data-dir = "$work/data"
[smtp]
listen = "127.0.0.1:25280"
[submission]
listen = "127.0.0.1:25870"
[dnsbl-server]
listen = "127.0.0.1:5328"
[web]
listen = "127.0.0.1:8098"
[policy-service]
enabled = false
[delivery]
smarthost = "127.0.0.1:$smtp_port"
TOML

./portcullis dkim keygen --domain example.test --selector it -c "$work/portcullis.toml" > "$work/keygen.txt"
# The record as one string: the quoted parts of the TXT line keygen printed, joined.
record=$(grep '_domainkey' "$work/keygen.txt" | grep -o '"[^"]*"' | tr -d '"\n')
printf 'it._domainkey.example.test %s\n' "$record" > "$work/opendkim/keys"
printf 'correct horse battery staple\n' | ./portcullis user add alice@example.test -c "$work/portcullis.toml" >/dev/null
./portcullis serve -c "$work/portcullis.toml" > "$work/portcullis.log" 2>&1 &
portcullis_pid=$!

sed -e "s|@DIR@|$work/opendkim|g" -e "s|@MILTER_PORT@|$milter_port|g" it/postfix-dkim/opendkim.conf \
  > "$work/opendkim/opendkim.conf"
chown -R opendkim "$work/opendkim"
/usr/sbin/opendkim -f -x "$work/opendkim/opendkim.conf" > "$work/opendkim.log" 2>&1 &
opendkim_pid=$!

dir="$work/postfix"

cleanup() {
  postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  kill "$portcullis_pid" "$opendkim_pid" 2>/dev/null || true
  wait "$portcullis_pid" "$opendkim_pid" 2>/dev/null || true
}
trap cleanup EXIT
postfix_instance "$dir" it/postfix-dkim/main.cf "$smtp_port" "s|@MILTER_PORT@|$milter_port|g"
postfix -c "$dir/etc" start >/dev/null

portcullis_ready "$work/portcullis.log"

delivered() { # marker -> the delivered message holding it, once Postfix has written it (30 s at most)
  for _ in $(seq 1 60); do
    file=$(grep -l "$1" "$dir"/mail/rcpt/new/* 2>/dev/null | head -1 || true)
    [ -n "$file" ] && { cat "$file"; return; }
    sleep 0.5
  done
  echo "(not delivered; Postfix log:)"; tail -5 "$dir/maillog" 2>/dev/null || true
}
results() { # message on stdin -> its Authentication-Results from mx.remote.test, unfolded
  awk '/^Authentication-Results: mx\.remote\.test/ {on=1; printf "%s", $0; next}
       on && /^[ \t]/ {printf " %s", $0; next} on {exit}' | tr -s ' \t' ' '
}

failed=0
expect() { # description, pattern, actual
  if printf '%s\n' "$3" | grep -Eq "$2"; then
    echo "ok    $1: $3"
  else
    echo "FAIL  $1: expected /$2/, got: $3"
    failed=1
  fi
}

swaks --server 127.0.0.1:25870 -tls --auth PLAIN --auth-user alice@example.test \
  --auth-password 'correct horse battery staple' --from alice@example.test --to bob@remote.test \
  --header 'Subject: submitted it-marker-1' --body 'Signed by Portcullis, verified by OpenDKIM.' >/dev/null
submitted=$(delivered it-marker-1)
expect "submitted mail is signed and OpenDKIM verifies it" \
  'dkim=pass .*header\.d=example\.test .*header\.s=it ' "$(printf '%s\n' "$submitted" | results)"

swaks --server 127.0.0.1:25280 --from alice@example.test --to bob@remote.test \
  --header 'Subject: from the LAN it-marker-2' --body 'Relayed for the LAN, signed on the way out.' >/dev/null
expect "LAN mail is signed and OpenDKIM verifies it" \
  'dkim=pass .*header\.d=example\.test .*header\.s=it ' "$(delivered it-marker-2 | results)"

# Tampering: the submitted message as delivered, without Postfix's own lines, one body word changed.
printf '%s\n' "$submitted" | sed -e '/^Return-Path:/d' -e '/^Delivered-To:/d' \
  -e '/^Authentication-Results: mx\.remote\.test/,/^[^ \t]/{/^Authentication-Results: mx\.remote\.test/d;/^[ \t]/d}' \
  -e 's/it-marker-1/it-marker-3/' -e 's/verified by OpenDKIM/changed on the way/' > "$work/tampered.eml"
swaks --server "127.0.0.1:$smtp_port" --from alice@example.test --to bob@remote.test \
  --data "@$work/tampered.eml" >/dev/null
expect "a changed body fails" 'dkim=fail' "$(delivered it-marker-3 | results)"
exit $failed
