# Helpers for the tests that run `sealpost serve` with a real Postfix in front of it
# (../shared/TESTBED.md §1). Source after lib.sh. Postfix's master must start as root.

# free_port: a TCP port on 127.0.0.1 that nothing listens on now, unique within this test (the
# ports given are kept in a file, as each $(free_port) runs in a subshell of its own). It is
# below the kernel's ephemeral range, so that a port the kernel hands out meanwhile (to a
# connection, or to a server binding port 0 in a test running beside this one) cannot take it
# before the test's own server binds it.
ephemeral_low=32768
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
((ephemeral_low > 12000)) || ephemeral_low=32768
free_port() {
    local port
    while :; do
        port=$((10000 + RANDOM % (ephemeral_low - 10000)))
        grep -qx "$port" "$T/used-ports" 2>/dev/null && continue
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port" >>"$T/used-ports"
            echo "$port"
            return
        fi
    done
}

# wait_port PORT [SECONDS]: until something accepts connections on 127.0.0.1:PORT.
wait_port() {
    local port=$1 limit=$((${2:-20} * 10)) i
    for ((i = 0; i < limit; i++)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    fail "nothing listens on 127.0.0.1:$port after ${2:-20} s"
}

# wait_for DESCRIPTION SECONDS CMD...: until CMD succeeds.
wait_for() {
    local what=$1 limit=$(($2 * 10)) i
    shift 2
    for ((i = 0; i < limit; i++)); do
        if "$@" >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    fail "$what: not within $((limit / 10)) s"
}

# at_least N CMD...: whether CMD prints a number of N or more (for wait_for, which runs CMD
# afresh each time).
at_least() {
    local want=$1
    shift
    [ "$("$@")" -ge "$want" ]
}

# maildir_count DIR: messages delivered into the Maildir DIR (new/ and cur/).
maildir_count() {
    local n=0 f
    for f in "$1"/new/* "$1"/cur/*; do [ -e "$f" ] && n=$((n + 1)); done
    echo "$n"
}

# start_sealpost: runs `sealpost serve` on $T/data in the background, logging to
# $T/sealpost.log; waits for every port given.
start_sealpost() {
    ${SEALPOST_SERVE:-$SEALPOST} --data-dir "$T/data" serve >>"$T/sealpost.log" 2>&1 &
    sealpost_pid=$!
    local port
    for port in "$@"; do wait_port "$port"; done
}

# stop_sealpost: SIGTERM, then waits; returns the daemon's exit status (0 after a clean drain;
# a sanitizer build exits non-zero on a leak or error it reports on the way out).
stop_sealpost() {
    local status=0
    if [ -n "${sealpost_pid:-}" ]; then
        kill -TERM "$sealpost_pid" 2>/dev/null || true
        wait "$sealpost_pid" 2>/dev/null || status=$?
        sealpost_pid=
    fi
    return "$status"
}

# stop_sealpost_cleanly: as stop_sealpost, and the test fails unless the daemon exited 0.
stop_sealpost_cleanly() {
    local status=0
    stop_sealpost || status=$?
    [ "$status" -eq 0 ] || fail "sealpost serve exited with status $status after SIGTERM"
    pass "sealpost serve drained and exited 0 on SIGTERM"
}

# start_postfix FRONT SUBMIT REINJECT FILTER_IN FILTER_OUT: a private Postfix in $T/pf whose
# port FRONT hands mail to Sealpost's inbound listener FILTER_IN, whose port SUBMIT (SMTP AUTH,
# user alice@sealpost.test, password "secret") hands it to the submission listener FILTER_OUT,
# and whose port REINJECT takes Sealpost's output and delivers it into Maildirs under
# $T/pf/mail for the addresses in $T/pf/etc/vmailbox.
start_postfix() {
    local front=$1 submit=$2 reinject=$3 filter_in=$4 filter_out=$5 sink
    sink=$(free_port)
    local pf=$T/pf
    mkdir -p "$pf/etc/sasl" "$pf/spool" "$pf/data" "$pf/mail" "$pf/log"
    chown postfix:postfix "$pf/data"
    chown nobody:nogroup "$pf/mail"
    cat >"$pf/etc/main.cf" <<CF
compatibility_level = 3.6
myhostname = mx.sealpost.test
mydomain = sealpost.test
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
queue_directory = $pf/spool
data_directory = $pf/data
maillog_file = $pf/log/maillog
maillog_file_prefixes = $pf
alias_maps =
alias_database =
local_transport = error:local delivery disabled
virtual_mailbox_domains = sealpost.test, remote.test
virtual_mailbox_base = $pf/mail
virtual_mailbox_maps = texthash:$pf/etc/vmailbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtp_dns_support_level = disabled
relayhost = [127.0.0.1]:$sink
cyrus_sasl_config_path = $pf/etc/sasl
smtpd_banner = \$myhostname ESMTP
biff = no
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
CF
    cat >"$pf/etc/vmailbox" <<VM
alice@sealpost.test sealpost.test/alice/
bob@sealpost.test sealpost.test/bob/
carol@remote.test remote.test/carol/
VM
    cat >"$pf/etc/master.cf" <<CF
127.0.0.1:$front inet n - n - - smtpd
  -o content_filter=scan:[127.0.0.1]:$filter_in
127.0.0.1:$submit inet n - n - - smtpd
  -o content_filter=scan:[127.0.0.1]:$filter_out
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_sasl_type=cyrus
  -o smtpd_sasl_path=smtpd
  -o smtpd_tls_security_level=none
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
  -o smtpd_sasl_authenticated_header=yes
127.0.0.1:$reinject inet n - n - - smtpd
  -o content_filter=
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks,no_milters
  -o smtpd_recipient_restrictions=permit_mynetworks,reject
  -o mynetworks=127.0.0.0/8
  -o smtpd_authorized_xforward_hosts=127.0.0.0/8
scan      unix  -       -       n       -       4       smtp
  -o smtp_send_xforward_command=yes
  -o disable_mime_output_conversion=yes
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
    cat >"$pf/etc/sasl/smtpd.conf" <<CF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $pf/etc/sasl/sasldb2
mech_list: PLAIN LOGIN
CF
    echo -n secret | saslpasswd2 -p -f "$pf/etc/sasl/sasldb2" -c -u sealpost.test alice
    chown root:postfix "$pf/etc/sasl/sasldb2"
    chmod 640 "$pf/etc/sasl/sasldb2"
    postfix -c "$pf/etc" check
    postfix -c "$pf/etc" start >/dev/null 2>&1
    postfix_started=1
    wait_port "$front"
}

stop_postfix() {
    if [ -n "${postfix_started:-}" ]; then
        postfix -c "$T/pf/etc" stop >/dev/null 2>&1 || true
        postfix_started=
    fi
}

postfix_flush() { postqueue -c "$T/pf/etc" -f >/dev/null 2>&1 || true; }

# Stop the daemons before lib.sh removes the folder; after a failure, show the end of both
# daemons' logs so the reason is in the test's output.
mta_cleanup() {
    local status=$?
    if [ "$status" -ne 0 ]; then
        local log
        for log in "$T/sealpost.log" "$T/pf/log/maillog"; do
            [ -f "$log" ] || continue
            echo "--- last lines of $log" >&2
            tail -n 25 "$log" >&2
        done
    fi
    stop_sealpost || true
    stop_postfix
    cleanup
}
trap mta_cleanup EXIT

require_root() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "SKIP: Postfix's master must start as root"
        exit 77
    fi
}
