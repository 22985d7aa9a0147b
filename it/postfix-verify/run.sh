#!/bin/sh
# Recipient verification against a real Postfix (Debian's package) as the mail store behind the
# gateway: Portcullis relays example.test to a private Postfix on 127.0.0.1:2529 that knows only
# bob@example.test, with verify.recipients = "callout". Checks:
#   portcullis verify bob@example.test: exists (Postfix's 250), exit 0;
#   portcullis verify nobody@example.test: does not exist (Postfix's 550 5.1.1), exit 1;
#   swaks to the gateway: RCPT nobody@ gets 550 5.1.1 with a reference, bob@ is accepted and
#   Postfix delivers it to bob's Maildir; Postfix's log shows the callouts never sent DATA.
# Needs root and the packages postfix and swaks. Loopback only. Exit 0 when all of these hold.
set -eu
cd "$(dirname "$0")/../.."
. it/postfix-instance.sh
for tool in postfix swaks; do
  command -v "$tool" >/dev/null || { echo "it: apt-get install postfix swaks first" >&2; exit 2; }
done
work=${WORK:-/tmp/portcullis-verify-it}
store_port=2529
rm -rf "$work"
mkdir -p "$work"

cat > "$work/portcullis.toml" <<TOML
[server]
hostname = "mx.example.test"
data-dir = "$work/data"
[mail]
accepted-domains = ["example.test"]
# swaks sends from loopback: on the LAN here, so no DNS is needed (recipient-verify judges everyone).
lan-networks = ["127.0.0.0/8"]
[smtp]
listen = "127.0.0.1:25280"
[submission]
enabled = false
[dnsbl-server]
listen = "127.0.0.1:5328"
[web]
listen = "127.0.0.1:8098"
[policy-service]
listen = "127.0.0.1:10032"
[delivery]
transport = "relay"
relay-host = "127.0.0.1:$store_port"
[verify]
recipients = "callout"
TOML

dir="$work/postfix"
portcullis_pid=
cleanup() {
  postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  [ -n "$portcullis_pid" ] && kill "$portcullis_pid" 2>/dev/null || true
  [ -n "$portcullis_pid" ] && wait "$portcullis_pid" 2>/dev/null || true
}
trap cleanup EXIT
postfix_instance "$dir" it/postfix-verify/main.cf "$store_port"
postfix -c "$dir/etc" start >/dev/null

failed=0
expect() { # description, pattern, actual
  if printf '%s\n' "$3" | grep -Eq "$2"; then
    echo "ok    $1: $3"
  else
    echo "FAIL  $1: expected /$2/, got: $3"
    failed=1
  fi
}

verify() { # address -> the line and the exit code
  set +e
  line=$(./portcullis verify -c "$work/portcullis.toml" "$1" 2>&1)
  code=$?
  set -e
  echo "$line (exit $code)"
}

expect "bob exists at Postfix" 'bob@example.test: exists \(127\.0\.0\.1:2529: 250 .*\(exit 0\)' "$(verify bob@example.test)"
expect "nobody does not" 'nobody@example.test: does not exist .*550 5\.1\.1 .*User unknown.*\(exit 1\)' \
  "$(verify nobody@example.test)"

./portcullis serve -c "$work/portcullis.toml" > "$work/portcullis.log" 2>&1 &
portcullis_pid=$!
portcullis_ready "$work/portcullis.log"

rcpt() { # recipient -> the RCPT reply (swaks stops after RCPT)
  swaks --server 127.0.0.1:25280 --from alice@example.test --to "$1" --quit-after RCPT --timeout 20 2>&1 \
    | grep -E '^<[-~*]+ +[0-9]{3}' | tail -2 | head -1
}
expect "the gateway refuses nobody at RCPT" '550 5\.1\.1 .*nobody@example\.test> does not exist here; see http://[^ ]+/ref/[0-9A-Z]{16}' \
  "$(rcpt nobody@example.test)"
sent=$(swaks --server 127.0.0.1:25280 --from alice@example.test --to bob@example.test --timeout 20 2>&1 \
  | grep -E '^<- +250 .*queued' || true)
expect "bob's message is accepted" '250 2\.0\.0 Ok: queued' "$sent"
for _ in $(seq 1 40); do
  [ -n "$(ls "$dir/mail/bob/new" 2>/dev/null)" ] && break
  sleep 0.5
done
expect "Postfix delivered it to bob's Maildir" '[0-9]' "$(ls "$dir/mail/bob/new" 2>/dev/null | wc -l)"
callouts=$(grep -c 'from=<> to=<nobody@example.test>' "$dir/maillog" || true)
expect "Postfix saw the callouts' MAIL FROM:<>" '^[1-9]' "$callouts"
# Every callout is a connection of its own with no DATA; the one relayed message is the only one with it.
expect "connections from the gateway and the CLI" '^[4-9]' "$(grep -c 'disconnect from' "$dir/maillog" || true)"
expect "only the relayed message sent DATA" '^1$' "$(grep 'disconnect from' "$dir/maillog" | grep -c 'data=' || true)"
exit $failed
