#!/usr/bin/env bash
# `sealpost serve` and its signals: SIGHUP reloads the settings without dropping a session (and a
# broken file keeps the old ones); SIGTERM stops accepting, lets a message in the middle of DATA
# finish and be delivered, tells an idle session 421, and exits 0 once nothing is in flight.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"

sp init "$T/data" --domain sealpost.test >/dev/null
sp users add bob@sealpost.test >/dev/null
PORT=$(free_port)
write_config() {  # write_config MAX_RECIPIENTS
    cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/mail"
[smtp]
max_recipients = $1
[http]
address = ""
[[listener]]
address = "127.0.0.1:$PORT"
role = "inbound"
TOML
}
write_config 10
start_sealpost "$PORT"
box=$T/mail/sealpost.test/bob

# A session on descriptor FD: say LINE, then read replies until the last line of one reply.
say() { printf '%s\r\n' "$2" >&"$1"; }
reply() {  # reply FD: prints the code of the next complete reply
    local line
    while IFS= read -r -t 10 line <&"$1"; do
        line=${line%$'\r'}
        echo "$line" >>"$T/replies"
        if [[ $line =~ ^[0-9]{3}\  ]]; then
            echo "${line:0:3}"
            return 0
        fi
    done
    echo "none"
}
expect() {  # expect FD CODE WHAT
    local got
    got=$(reply "$1")
    [ "$got" = "$2" ] || fail "$3: wanted $2, got $got (replies: $(tail -n 3 "$T/replies"))"
}
open_session() {  # open_session FD
    eval "exec $1<>/dev/tcp/127.0.0.1/$PORT"
    expect "$1" 220 "greeting"
    say "$1" "EHLO client.test"
    expect "$1" 250 "EHLO"
}
begin_data() {  # begin_data FD MESSAGE-ID: a transaction up to the first lines of DATA
    say "$1" "MAIL FROM:<carol@remote.test>"
    expect "$1" 250 "MAIL"
    say "$1" "RCPT TO:<bob@sealpost.test>"
    expect "$1" 250 "RCPT"
    say "$1" "DATA"
    expect "$1" 354 "DATA"
    say "$1" "Message-ID: <$2>"
    say "$1" "Subject: $2"
    say "$1" ""
}
count_id() { grep -l "Message-ID: <$1>" "$box"/new/* 2>/dev/null | wc -l; }

# 1. SIGHUP in the middle of a transaction: the session goes on, the new limit applies after.
open_session 5
begin_data 5 "during-reload@remote.test"
write_config 1
kill -HUP "$sealpost_pid"
wait_for "reloaded in the log" 10 grep -q 'daemon reloaded' "$T/sealpost.log"
say 5 "written before and after the reload"
say 5 "."
expect 5 250 "end of data after SIGHUP"
say 5 "QUIT"
expect 5 221 "QUIT"
exec 5<&-
wait_for "the message sent across the reload" 10 at_least 1 count_id during-reload@remote.test
open_session 6
say 6 "MAIL FROM:<carol@remote.test>"
expect 6 250 "MAIL"
say 6 "RCPT TO:<bob@sealpost.test>"
expect 6 250 "first RCPT"
say 6 "RCPT TO:<bob@sealpost.test>"
expect 6 452 "second RCPT with max_recipients = 1"
say 6 "QUIT"
expect 6 221 "QUIT"
exec 6<&-
pass "SIGHUP: the open session finished its message (250); the next one got 452 at RCPT 2"

# 2. A broken file: the reload is refused with a log line, the running settings stay.
printf '[smtp\nmax_recipients = 5\n' >"$T/data/sealpost.toml"
kill -HUP "$sealpost_pid"
wait_for "reload_failed in the log" 10 grep -q 'daemon reload_failed' "$T/sealpost.log"
grep 'daemon reload_failed' "$T/sealpost.log" | grep -q 'sealpost.toml' ||
    fail "the failed reload does not name the file: $(grep reload_failed "$T/sealpost.log")"
open_session 6
say 6 "MAIL FROM:<carol@remote.test>"
expect 6 250 "MAIL after a failed reload"
say 6 "RCPT TO:<bob@sealpost.test>"
expect 6 250 "RCPT after a failed reload"
say 6 "RCPT TO:<bob@sealpost.test>"
expect 6 452 "the old limit still holds"
say 6 "QUIT"
expect 6 221 "QUIT"
exec 6<&-
pass "SIGHUP with a broken sealpost.toml: reload_failed logged, the old settings kept serving"

# 3. SIGTERM with one session in DATA and one idle.
open_session 5
begin_data 5 "in-flight@remote.test"
open_session 6
kill -TERM "$sealpost_pid"
wait_for "stopping in the log" 10 grep -q 'daemon stopping' "$T/sealpost.log"
expect 6 421 "the idle session on SIGTERM"
exec 6<&-
if (exec 7<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    fail "a new connection was accepted after SIGTERM"
fi
say 5 "the rest of the message, sent after SIGTERM"
say 5 "."
expect 5 250 "the message in flight at SIGTERM"
exec 5<&-
status=0
for _ in $(seq 1 100); do
    kill -0 "$sealpost_pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 "$sealpost_pid" 2>/dev/null && fail "sealpost serve still runs 10 s after SIGTERM"
wait "$sealpost_pid" || status=$?
sealpost_pid=
[ "$status" -eq 0 ] || fail "sealpost serve exited with status $status"
[ "$(count_id in-flight@remote.test)" -eq 1 ] || fail "the in-flight message was not delivered"
pass "SIGTERM: no new connections, idle session 421, the message in DATA delivered, exit 0"
echo "serve_signals: $checks checks passed"
