#!/usr/bin/env bash
# Issue 4, point 2: no mail lost. The next hop down gives 4xx and the message arrives once it
# is up again; Sealpost killed in the middle of DATA leaves the client without a 250 and a
# retry delivers exactly once; 200 concurrent clients sending 5,000 messages deliver every one
# exactly once, with no crash and no descriptor leak.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"
require_root
LOAD=${SEALPOST_BENCH_DIR:?}/smtp_load
[ -x "$LOAD" ] || fail "the load generator $LOAD is not built"

FRONT=$(free_port) SUBMIT=$(free_port) REINJECT=$(free_port)
FILTER_IN=$(free_port) FILTER_OUT=$(free_port) HTTP=$(free_port)
sp init "$T/data" --domain sealpost.test >/dev/null
sp users add bob@sealpost.test >/dev/null
write_config() {  # write_config NEXT_HOP [EXTRA TOML]
    cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "$1"
[smtp]
max_connections_per_client = 300
${2:-}
# No key discovery: these tests contact nothing beyond their own loopback peers.
[discovery]
pka = false
wkd = false
dane = false
[http]
address = "127.0.0.1:$HTTP"
[[listener]]
address = "127.0.0.1:$FILTER_OUT"
role = "submission"
[[listener]]
address = "127.0.0.1:$FILTER_IN"
role = "inbound"
TOML
}
write_config "smtp://127.0.0.1:$REINJECT"
start_postfix "$FRONT" "$SUBMIT" "$REINJECT" "$FILTER_IN" "$FILTER_OUT"
start_sealpost "$FILTER_IN" "$FILTER_OUT"
bob=$T/pf/mail/sealpost.test/bob
count_id() { cat "$bob"/new/* "$bob"/cur/* 2>/dev/null | grep -ci "^Message-ID: <$1>" || true; }

# 1. The next hop goes away: Postfix's re-injection service is taken out of master.cf.
cp "$T/pf/etc/master.cf" "$T/master.cf.full"
awk -v p="127.0.0.1:$REINJECT" '$1 == p {skip = 1; next} skip && /^  -o/ {next} {skip = 0; print}' \
    "$T/master.cf.full" >"$T/pf/etc/master.cf"
postfix -c "$T/pf/etc" reload >/dev/null 2>&1
wait_for "re-injection port closed" 20 bash -c "! (exec 3<>/dev/tcp/127.0.0.1/$REINJECT)"
swaks --server "127.0.0.1:$FRONT" --from carol@remote.test --to bob@sealpost.test \
    --header "Message-Id: <hop-down@remote.test>" --body "while the next hop was down" \
    >"$T/swaks.out" 2>&1 || fail "Postfix refused the message: $(tail -n 2 "$T/swaks.out")"
wait_for "Postfix deferral with Sealpost's 4xx" 30 \
    grep -q 'status=deferred.*4[0-9][0-9] 4\.4\.0 Next hop did not take the message' \
    "$T/pf/log/maillog"
[ "$(count_id hop-down@remote.test)" -eq 0 ] || fail "delivered while the next hop was down"
pass "next hop down: Postfix got 451 4.4.0 from Sealpost and kept the message"
cp "$T/master.cf.full" "$T/pf/etc/master.cf"
postfix -c "$T/pf/etc" reload >/dev/null 2>&1
wait_port "$REINJECT"
postfix_flush
wait_for "delivery after the next hop came back" 60 \
    bash -c "postqueue -c '$T/pf/etc' -f; [ \$(cat '$bob'/new/* 2>/dev/null | grep -ci '^Message-ID: <hop-down@remote.test>') -ge 1 ]"
sleep 1
[ "$(count_id hop-down@remote.test)" -eq 1 ] ||
    fail "after the next hop came back: $(count_id hop-down@remote.test) copies, want 1"
pass "next hop up again: the message arrived, exactly once"

# 2. SIGKILL in the middle of DATA: the client never sees 250; its retry delivers once.
exec 5<>"/dev/tcp/127.0.0.1/$FILTER_IN"
printf 'EHLO killer.test\r\nMAIL FROM:<carol@remote.test>\r\nRCPT TO:<bob@sealpost.test>\r\nDATA\r\n' >&5
printf 'Message-ID: <killed@remote.test>\r\nSubject: half\r\n\r\nfirst half of the body\r\n' >&5
sleep 0.5
kill -KILL "$sealpost_pid"
wait "$sealpost_pid" 2>/dev/null || true
sealpost_pid=
replies=$(timeout 5 cat <&5 || true)
exec 5<&-
if grep -q '^250 2.0.0 Ok: queued' <<<"$replies"; then fail "the killed session got a 250"; fi
grep -q '^354' <<<"$replies" || fail "DATA was not under way when Sealpost was killed: $replies"
pass "Sealpost killed during DATA: the client got 354 and then no 250"
start_sealpost "$FILTER_IN" "$FILTER_OUT"
printf 'Message-ID: <killed@remote.test>\r\nSubject: half\r\n\r\nthe whole body this time\r\n' \
    >"$T/retry.eml"
swaks --server "127.0.0.1:$FILTER_IN" --from carol@remote.test --to bob@sealpost.test \
    --data "$T/retry.eml" >"$T/swaks.out" 2>&1 || fail "retry refused: $(tail -n 2 "$T/swaks.out")"
wait_for "the retried message" 30 at_least 1 count_id killed@remote.test
sleep 1
[ "$(count_id killed@remote.test)" -eq 1 ] || fail "$(count_id killed@remote.test) copies, want 1"
pass "the retry after the kill delivered exactly once"

# 3. 200 concurrent clients, 5,000 messages, straight to Sealpost with its Maildir next hop.
stop_sealpost_cleanly
write_config "maildir:$T/mail"
start_sealpost "$FILTER_IN" "$FILTER_OUT"
# Warm up first: each worker opens its databases with its first message, which is no leak.
"$LOAD" --port "$FILTER_IN" --clients 4 --messages 20 --bytes 512 --from carol@remote.test \
    --to bob@sealpost.test --prefix warm >"$T/load.out" || fail "warm-up: $(cat "$T/load.out")"
sleep 1
fds_before=$(ls "/proc/$sealpost_pid/fd" | wc -l)
"$LOAD" --port "$FILTER_IN" --clients 200 --messages 5000 --bytes 2048 --from carol@remote.test \
    --to bob@sealpost.test --prefix many --retry-seconds 60 --ids "$T/ids.sent" >"$T/load.out" ||
    fail "load: $(cat "$T/load.out")"
kill -0 "$sealpost_pid" || fail "sealpost died under load"
cat "$T/mail/sealpost.test/bob/new/"* | grep -i '^Message-ID: <many\.' | sed 's/^[^<]*//' |
    tr -d '\r' | sort >"$T/ids.got"
sort "$T/ids.sent" >"$T/ids.want"
got=$(wc -l <"$T/ids.got") dups=$(uniq -d "$T/ids.got" | wc -l)
[ "$dups" -eq 0 ] || fail "$dups Message-IDs delivered more than once"
cmp -s "$T/ids.got" "$T/ids.want" || fail "delivered set differs from the accepted set"
[ "$got" -eq 5000 ] || fail "$got of 5000 delivered"
pass "200 clients, 5000 messages: $got delivered, 0 duplicates, sets equal ($(cat "$T/load.out"))"
sleep 1
fds_after=$(ls "/proc/$sealpost_pid/fd" | wc -l)
[ "$fds_after" -le $((fds_before + 4)) ] ||
    fail "descriptors: $fds_before before the load, $fds_after after"
pass "no descriptor leak: $fds_before open before, $fds_after after"
stop_sealpost_cleanly
echo "smtp_faults: $checks checks passed"
