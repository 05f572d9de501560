#!/usr/bin/env bash
# Issue 4, point 3: hostile SMTP clients. SMTP smuggling variants, header injection through
# the envelope, over-long lines, oversize messages, a connection flood and a slow-loris client
# each get a clear SMTP reply, nothing of theirs is delivered, and others are served meanwhile.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"

PORT=$(free_port) HTTP=$(free_port)
sp init "$T/data" --domain sealpost.test >/dev/null
sp users add bob@sealpost.test >/dev/null
cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/mail"
[limits]
max_message_bytes = 1048576
[smtp]
max_connections_per_client = 40
command_timeout_seconds = 3
data_timeout_seconds = 3
[http]
address = "127.0.0.1:$HTTP"
[[listener]]
address = "127.0.0.1:$PORT"
role = "inbound"
TOML
start_sealpost "$PORT"
box=$T/mail/sealpost.test/bob

# session FILE: plays the bytes of FILE to Sealpost and prints every reply line.
session() {
    exec 5<>"/dev/tcp/127.0.0.1/$PORT"
    cat "$1" >&5
    timeout 8 cat <&5 | tr -d '\r' || true
    exec 5<&-
}
delivered_with() { grep -rl -- "$1" "$T/mail" 2>/dev/null | wc -l; }
# A well-behaved client from another loopback address, while the attack goes on.
legit() {
    swaks --server "127.0.0.1:$PORT" --local-interface 127.0.0.2 --from carol@remote.test \
        --to bob@sealpost.test --header "Subject: legit $1" --body "legit $1" \
        >"$T/legit.out" 2>&1 || fail "legit client refused during $1: $(tail -n 2 "$T/legit.out")"
    wait_for "legit mail during $1" 10 at_least 1 delivered_with "legit $1"
}
envelope='EHLO evil.test\r\nMAIL FROM:<carol@remote.test>\r\nRCPT TO:<bob@sealpost.test>\r\nDATA\r\n'

# SMTP smuggling: a second message hidden behind a fake end of data.
variants=('\n.\n' '\r.\r' '\n.\r\n' '\r\n.\n' '\r.\r\n' '\n.\r' '\r\n.\r')
n=0
for v in "${variants[@]}"; do
    n=$((n + 1))
    printf "${envelope}Subject: cover $n\r\n\r\ncover$v" >"$T/smuggle"
    printf "MAIL FROM:<admin@sealpost.test>\r\nRCPT TO:<bob@sealpost.test>\r\nDATA\r\n" >>"$T/smuggle"
    printf "Subject: smuggled $n\r\n\r\nsmuggled-$n\r\n.\r\nQUIT\r\n" >>"$T/smuggle"
    replies=$(session "$T/smuggle")
    grep -q '^550 5.6.0' <<<"$replies" || fail "smuggling variant $n ($v): $replies"
    [ "$(delivered_with "smuggled-$n")" -eq 0 ] || fail "variant $n ($v) smuggled a message in"
    [ "$(delivered_with "Subject: cover $n")" -eq 0 ] || fail "variant $n: cover message delivered"
done
pass "SMTP smuggling: $n variants each got 550 5.6.0, nothing delivered"
legit smuggling

# Header injection through the envelope: CR, LF and NUL inside addresses and XFORWARD.
injections=(
    'MAIL FROM:<carol@remote.test\nBcc: victim@remote.test>\r\n'
    'MAIL FROM:<carol@remote.test\rX-Injected: yes>\r\n'
    'MAIL FROM:<carol@remote.test>\r\nRCPT TO:<bob@sealpost.test\nX-Injected: yes>\r\n'
    'MAIL FROM:<"a\r\nX-Injected: yes"@remote.test>\r\n'
    'MAIL FROM:<carol@remote.test>\r\nRCPT TO:<bob@sealpost.test\x00X-Injected: yes>\r\n'
)
n=0
for line in "${injections[@]}"; do
    n=$((n + 1))
    printf "EHLO evil.test\r\n$line" >"$T/inject"
    printf 'RCPT TO:<bob@sealpost.test>\r\nDATA\r\nSubject: injected %s\r\n\r\nx\r\n.\r\nQUIT\r\n' \
        "$n" >>"$T/inject"
    replies=$(session "$T/inject")
    grep -qE '^(501|553|500) ' <<<"$replies" || fail "injection $n got no refusal: $replies"
done
[ "$(delivered_with 'X-Injected')" -eq 0 ] || fail "an injected header reached a mailbox"
[ "$(delivered_with 'victim@')" -eq 0 ] || fail "an injected Bcc reached a mailbox"
pass "envelope header injection: $n attempts refused with 5xx, no injected header delivered"
legit injection

# Lines over the limit: a 2,000-byte command and a 5,000-byte line of data.
printf 'EHLO evil.test\r\nMAIL FROM:<%s@remote.test>\r\nQUIT\r\n' "$(head -c 2000 /dev/zero | tr '\0' a)" \
    >"$T/long"
replies=$(session "$T/long")
grep -q '^500 5.5.2' <<<"$replies" || fail "over-long command: $replies"
printf "${envelope}Subject: longline\r\n\r\n%s\r\n.\r\nQUIT\r\n" \
    "$(head -c 5000 /dev/zero | tr '\0' b)" >"$T/long"
replies=$(session "$T/long")
grep -q '^552 5.3.4' <<<"$replies" || fail "over-long data line: $replies"
[ "$(delivered_with 'Subject: longline')" -eq 0 ] || fail "the long-line message was delivered"
pass "over-long lines: command got 500 5.5.2, data line got 552 5.3.4, nothing delivered"

# Oversize messages: announced with SIZE=, and sent without announcing.
printf 'EHLO evil.test\r\nMAIL FROM:<carol@remote.test> SIZE=5000000\r\nQUIT\r\n' >"$T/big"
replies=$(session "$T/big")
grep -q '^552 5.3.4' <<<"$replies" || fail "SIZE=5000000: $replies"
{
    printf "${envelope}Subject: oversize\r\n\r\n"
    for i in $(seq 1 20000); do printf '%s\r\n' "line $i of a message that is far too large for us"; done
    printf '.\r\nQUIT\r\n'
} >"$T/big"
replies=$(session "$T/big")
grep -q '^552 5.3.4' <<<"$replies" || fail "oversize data: $(tail -n 3 <<<"$replies")"
[ "$(delivered_with 'Subject: oversize')" -eq 0 ] || fail "the oversize message was delivered"
pass "oversize: SIZE= refused early and 1 MiB+ of data refused at the end, both 552 5.3.4"
legit oversize

# Connection flood: 120 connections held open from 127.0.0.1.
refused=0 fds=()
for i in $(seq 1 120); do
    exec {fd}<>"/dev/tcp/127.0.0.1/$PORT" || continue
    fds+=("$fd")
done
sleep 1
for fd in "${fds[@]}"; do
    if timeout 2 head -n 1 <&"$fd" | grep -q '^421'; then refused=$((refused + 1)); fi
done
legit flood
for fd in "${fds[@]}"; do exec {fd}<&-; done
[ "$refused" -ge 80 ] || fail "flood: only $refused of 120 connections got 421 (limit 40)"
pass "connection flood: $refused of 120 connections got 421; a client from 127.0.0.2 was served"

# Slow loris: one byte every half second never completes a command in time.
exec 6<>"/dev/tcp/127.0.0.1/$PORT"
started=$SECONDS
(for c in E H L O ' ' s l o w . t e s t; do printf '%s' "$c" >&6 2>/dev/null || exit 0; sleep 0.5; done) &
writer=$!
legit slowloris
replies=$(timeout 15 cat <&6 | tr -d '\r' || true)
kill "$writer" 2>/dev/null || true
exec 6<&-
grep -q '^421 4.4.2' <<<"$replies" || fail "slow loris: $replies"
pass "slow loris: closed with 421 4.4.2 after $((SECONDS - started)) s; others served meanwhile"

kill -0 "$sealpost_pid" || fail "sealpost died"
stop_sealpost_cleanly
echo "smtp_hostile: $checks checks passed"
