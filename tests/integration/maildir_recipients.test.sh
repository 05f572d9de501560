#!/usr/bin/env bash
# With the Maildir next hop Sealpost is the final delivery, so it refuses an unknown local user
# at RCPT (550 5.1.1) instead of making a Maildir for any address of a local domain; accounts,
# postmaster and other domains' addresses are delivered, and a transaction that names both
# kinds goes on with the known ones.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"

PORT=$(free_port)
sp init "$T/data" --domain sealpost.test >/dev/null
sp users add bob@sealpost.test >/dev/null
cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/mail"
[http]
address = ""
[[listener]]
address = "127.0.0.1:$PORT"
role = "inbound"
TOML
start_sealpost "$PORT"

# send TO... : one transaction from carol@remote.test; prints swaks' transcript.
send() {
    local to
    to=$(IFS=,; echo "$*")
    swaks --server "127.0.0.1:$PORT" --from carol@remote.test --to "$to" \
        --header "Subject: to $*" --body "hello" 2>&1 || true
}

out=$(send nobody@sealpost.test)
grep -q '^<\*\* *550 5.1.1' <<<"$out" || fail "unknown local user not refused: $out"
[ ! -e "$T/mail/sealpost.test/nobody" ] || fail "a Maildir was made for nobody@sealpost.test"
grep -q 'gateway unknown_recipient .*recipient=nobody@sealpost.test' "$T/sealpost.log" ||
    fail "no log line says why nobody@sealpost.test was refused"
pass "unknown local user: 550 5.1.1 at RCPT, no Maildir made, logged"

out=$(send Bob@Sealpost.test)
grep -q '^<- *250 2.0.0' <<<"$out" || fail "account not delivered: $out"
[ "$(maildir_count "$T/mail/sealpost.test/bob")" = 1 ] || fail "bob's Maildir has no message"
pass "an account is accepted whatever the case of its address, and delivered"

out=$(send postmaster@sealpost.test dave@remote.test)
grep -q '^<- *250 2.0.0' <<<"$out" || fail "postmaster and a remote address not delivered: $out"
[ "$(maildir_count "$T/mail/sealpost.test/postmaster")" = 1 ] || fail "postmaster got nothing"
[ "$(maildir_count "$T/mail/remote.test/dave")" = 1 ] || fail "dave@remote.test got nothing"
pass "postmaster (RFC 5321 4.5.1) and another domain's address are accepted without an account"

out=$(send bob@sealpost.test ghost@sealpost.test)
grep -q '^<\*\* *550 5.1.1' <<<"$out" || fail "ghost not refused in a mixed transaction: $out"
grep -q '^<- *250 2.0.0' <<<"$out" || fail "mixed transaction not delivered to bob: $out"
[ "$(maildir_count "$T/mail/sealpost.test/bob")" = 2 ] || fail "bob did not get the second"
[ ! -e "$T/mail/sealpost.test/ghost" ] || fail "a Maildir was made for ghost@sealpost.test"
pass "mixed transaction: ghost refused at RCPT, bob delivered"

# A user added while the daemon runs is known at once.
sp users add ghost@sealpost.test >/dev/null
out=$(send ghost@sealpost.test)
grep -q '^<- *250 2.0.0' <<<"$out" || fail "a user added while serving is still refused: $out"
pass "a user added while the daemon runs is accepted at once"

# A recipient the Maildir cannot hold ('/' in the local part) is bounced to the sender; when the
# sender's address cannot hold the report either, the log says so.
out=$(swaks --server "127.0.0.1:$PORT" --from '"x/y"@remote.test' \
    --to 'bob@sealpost.test,"a/b"@remote.test' --body "hello" 2>&1 || true)
grep -q '^<- *250 2.0.0' <<<"$out" || fail "partly deliverable message not taken: $out"
[ "$(maildir_count "$T/mail/sealpost.test/bob")" = 3 ] || fail "bob did not get the third"
grep -q 'gateway bounce_refused .*recipient="\\"x/y\\"@remote.test" code=550' "$T/sealpost.log" ||
    fail "no log line says the bounce was refused: $(grep bounce "$T/sealpost.log")"
pass "a bounce nobody can take is logged, not dropped silently"

stop_sealpost_cleanly
echo "maildir_recipients: $checks checks passed"
