# Sourced by the it/ scripts: a private Postfix instance and the wait for Portcullis.

# postfix_instance DIR MAIN_CF SMTP_PORT [SED_EXPRESSION ...]: writes DIR/etc/main.cf from MAIN_CF
# (@DIR@, @UID@, @GID@ and the given expressions replaced) and DIR/etc/master.cf (smtpd on
# 127.0.0.1:SMTP_PORT), and prepares the spool's chroot. Start it with postfix -c DIR/etc start.
postfix_instance() {
  pf_dir=$1 pf_main=$2 pf_port=$3
  shift 3
  mkdir -p "$pf_dir/etc" "$pf_dir/spool/etc" "$pf_dir/data" "$pf_dir/mail"
  pf_sed="-e s|@DIR@|$pf_dir|g -e s|@UID@|$(id -u postfix)|g -e s|@GID@|$(id -g postfix)|g"
  for e in "$@"; do pf_sed="$pf_sed -e $e"; done
  # shellcheck disable=SC2086 # the expressions hold no spaces
  sed $pf_sed "$pf_main" > "$pf_dir/etc/main.cf"
  sed -e "s|@SMTP_PORT@|$pf_port|g" it/postfix-master.cf > "$pf_dir/etc/master.cf"
  chown postfix:postfix "$pf_dir/data" "$pf_dir/mail"
  for f in hosts services nsswitch.conf localtime host.conf resolv.conf; do
    [ -e "/etc/$f" ] && cp -L "/etc/$f" "$pf_dir/spool/etc/$f"
  done
  postfix -c "$pf_dir/etc" set-permissions >/dev/null 2>&1 || true
  postfix -c "$pf_dir/etc" check
}

# portcullis_ready LOG: waits (60 s at most) until Portcullis logs that it is ready; else shows the log, fails.
portcullis_ready() {
  for _ in $(seq 1 120); do
    grep -q "ready:" "$1" && return 0
    sleep 0.5
  done
  echo "it: Portcullis did not start" >&2
  cat "$1" >&2
  return 1
}
