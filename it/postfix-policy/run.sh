#!/bin/sh
# A real Postfix (Debian's package) greylists and blocklists through Portcullis's policy service.
# Starts Portcullis (policy service on 127.0.0.1:10031, greylisting with a 2 s delay, our own
# blocklist) and a private Postfix on 127.0.0.1:2527 whose smtpd_recipient_restrictions call
# check_policy_service; lists 127.0.0.9; then sends with swaks and checks Postfix's replies:
#   from 127.0.0.8: first 450 4.7.1 Greylisted, then accepted after the delay;
#   from 127.0.0.9: 554 5.7.1 blocked using bl.example.test;
#   from 127.0.0.10 (a deny entry): 554 5.7.1 with the entry's text;
#   friend@example.org (on bob@example.test's whitelist): accepted at once, not greylisted.
# Needs root and the packages postfix and swaks. Loopback only. Exit 0 when all of these hold.
set -eu
cd "$(dirname "$0")/../.."
. it/postfix-instance.sh
for tool in postfix swaks; do
  command -v "$tool" >/dev/null || { echo "it: apt-get install postfix swaks first" >&2; exit 2; }
done
work=${WORK:-/tmp/portcullis-postfix-it}
smtp_port=2527
policy_port=10031
rm -rf "$work"
mkdir -p "$work"

cat > "$work/portcullis.toml" <<TOML
[server]
hostname = "mx.example.test"
data-dir = "$work/data"
[smtp]
listen = "127.0.0.1:25270"
[submission]
enabled = false
[dnsbl-server]
listen = "127.0.0.1:5327"
[web]
listen = "127.0.0.1:8097"
[policy-service]
listen = "127.0.0.1:$policy_port"
[greylist]
enabled = true
delay-seconds = 2
# Loopback senders have no DNS here: judge them by greylisting and the blocklist only.
[checks.client-ptr]
mode = "off"
[checks.client-fcrdns]
mode = "off"
[checks.helo-resolves]
mode = "off"
[checks.sender-domain]
mode = "off"
TOML

./portcullis blocklist add 127.0.0.9 -c "$work/portcullis.toml" --note "it: listed sender" >/dev/null
./portcullis lists deny --client 127.0.0.10 --reply "No mail from this host" -c "$work/portcullis.toml" >/dev/null
./portcullis whitelist add bob@example.test friend@example.org -c "$work/portcullis.toml" >/dev/null
./portcullis serve -c "$work/portcullis.toml" > "$work/portcullis.log" 2>&1 &
portcullis_pid=$!

dir="$work/postfix"

cleanup() {
  postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
  kill "$portcullis_pid" 2>/dev/null || true
  wait "$portcullis_pid" 2>/dev/null || true
}
trap cleanup EXIT
postfix_instance "$dir" it/postfix-policy/main.cf "$smtp_port" "s|@POLICY_PORT@|$policy_port|g"
postfix -c "$dir/etc" start >/dev/null

portcullis_ready "$work/portcullis.log"

send() { # source address [sender] -> the first refusal swaks saw, else the reply to the end of DATA
  replies=$(swaks --server "127.0.0.1:$smtp_port" --local-interface "$1" --helo mail.example.org \
    --from "${2:-alice@example.org}" --to bob@example.test --timeout 20 2>&1 | grep -E '^<[-~*]+ +[0-9]{3}' || true)
  printf '%s\n' "$replies" | grep -E '^<\*\*' | head -1 | grep . || printf '%s\n' "$replies" | grep -E 'queued' | head -1 || true
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

expect "first attempt is greylisted" '450 4\.7\.1 .*Greylisted, retry in [0-9]+ seconds?; see http://[^ ]+/ref/[0-9A-Z]{16}' "$(send 127.0.0.8)"
sleep 3
expect "the retry after the delay is accepted" '250 2\.0\.0 Ok: queued' "$(send 127.0.0.8)"
expect "a listed client is refused" '554 5\.7\.1 .*blocked using bl\.example\.test \(manual\)' "$(send 127.0.0.9)"
expect "a deny entry refuses with its own text" '554 5\.7\.1 .*No mail from this host; see http://[^ ]+/ref/[0-9A-Z]{16}' "$(send 127.0.0.10)"
expect "a sender on bob's whitelist is not greylisted" '250 2\.0\.0 Ok: queued' "$(send 127.0.0.11 friend@example.org)"
exit $failed
