#!/usr/bin/env bash
# Issue 4, point 1: Sealpost as the content filter of a real Postfix. A message submitted with
# SMTP AUTH lands in a Maildir signed and encrypted, and gpg decrypts and verifies it; an
# encrypted message sent to the port-25 service lands decrypted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"
require_root

FRONT=$(free_port) SUBMIT=$(free_port) REINJECT=$(free_port)
FILTER_IN=$(free_port) FILTER_OUT=$(free_port) HTTP=$(free_port)

# Sealpost: sealpost.test is local; alice and bob have keys made here.
sp init "$T/data" --domain sealpost.test >/dev/null
cat >"$T/data/sealpost.toml" <<TOML
[encryption]
auto_sign = true
[relay]
next_hop = "smtp://127.0.0.1:$REINJECT"
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
sp users add alice@sealpost.test >/dev/null
sp users add bob@sealpost.test >/dev/null
sp keys generate --user alice@sealpost.test >/dev/null
sp keys generate --user bob@sealpost.test >/dev/null

# carol@remote.test is a GnuPG user elsewhere; Sealpost knows her public key.
gpg_batch --passphrase '' --quick-generate-key carol@remote.test ed25519 sign,cert never
fpr=$(gpg --batch --with-colons --list-keys carol@remote.test | awk -F: '/^fpr/ {print $10; exit}')
gpg_batch --passphrase '' --quick-add-key "$fpr" cv25519 encr never
gpg_batch --armor --export carol@remote.test >"$T/carol.asc"
sp keys import "$T/carol.asc" >/dev/null
sp keys export alice@sealpost.test --out "$T/alice.asc" >/dev/null
sp keys export bob@sealpost.test --out "$T/bob.asc" >/dev/null
gpg_batch --import "$T/alice.asc" "$T/bob.asc"
pass "keys: alice and bob made by Sealpost, carol's from gpg"

start_postfix "$FRONT" "$SUBMIT" "$REINJECT" "$FILTER_IN" "$FILTER_OUT"
start_sealpost "$FILTER_IN" "$FILTER_OUT" "$HTTP"
pass "postfix and sealpost serve are up"

# Outbound: alice logs in to Postfix's submission port and writes to carol.
swaks --server "127.0.0.1:$SUBMIT" --auth PLAIN --auth-user alice@sealpost.test \
    --auth-password secret --from alice@sealpost.test --to carol@remote.test \
    --header "Subject: quarterly figures" --body "The figures are 42 and 17." \
    --header "Message-Id: <outbound-1@sealpost.test>" >"$T/swaks.out" 2>&1 ||
    fail "swaks to the submission port: $(tail -n 3 "$T/swaks.out")"
box=$T/pf/mail/remote.test/carol
wait_for "mail in carol's Maildir" 30 at_least 1 maildir_count "$box"
file=$(ls "$box"/new/* | head -n 1)
grep -q 'multipart/encrypted' "$file" || fail "carol's mail is not PGP/MIME encrypted"
if grep -q 'The figures are 42' "$file"; then fail "plaintext reached the Maildir"; fi
pass "carol's mail arrived as multipart/encrypted without the plaintext"

# As a mail client does: take the encrypted part and let gpg decrypt and verify it.
awk '/-----BEGIN PGP MESSAGE-----/,/-----END PGP MESSAGE-----/' "$file" | tr -d '\r' \
    >"$T/part.asc"
gpg_batch --status-fd 3 --decrypt "$T/part.asc" >"$T/clear.txt" 3>"$T/status" 2>/dev/null ||
    fail "gpg could not decrypt carol's mail: $(cat "$T/status")"
grep -q 'DECRYPTION_OKAY' "$T/status" || fail "gpg: no DECRYPTION_OKAY"
grep -q 'The figures are 42 and 17.' "$T/clear.txt" || fail "decrypted text differs"
alice_fpr=$(gpg --batch --with-colons --list-keys alice@sealpost.test |
    awk -F: '/^fpr/ {print $10; exit}')
grep -q "VALIDSIG $alice_fpr" "$T/status" || fail "gpg: no valid signature by alice"
pass "gpg decrypts carol's mail and verifies alice's signature ($alice_fpr)"

# Inbound: carol encrypts and signs to bob with gpg and sends to Postfix's port 25 service.
printf 'Meet at noon.\r\n' >"$T/note.txt"
gpg_batch --armor --sign --encrypt --local-user carol@remote.test \
    --recipient bob@sealpost.test --trust-model always --output "$T/note.asc" "$T/note.txt"
{
    printf 'From: carol@remote.test\r\nTo: bob@sealpost.test\r\nSubject: lunch\r\n'
    printf 'Message-Id: <inbound-1@remote.test>\r\n\r\n'
    sed 's/$/\r/' "$T/note.asc"
} >"$T/inbound.eml"
swaks --server "127.0.0.1:$FRONT" --from carol@remote.test --to bob@sealpost.test \
    --data "$T/inbound.eml" >"$T/swaks.out" 2>&1 ||
    fail "swaks to port-25 service: $(tail -n 3 "$T/swaks.out")"
box=$T/pf/mail/sealpost.test/bob
wait_for "mail in bob's Maildir" 30 at_least 1 maildir_count "$box"
file=$(ls "$box"/new/* | head -n 1)
grep -q 'Meet at noon.' "$file" || fail "bob's mail was not decrypted: $(head -c 600 "$file")"
if grep -q 'BEGIN PGP MESSAGE' "$file"; then fail "ciphertext left in bob's mail"; fi
grep -qi '^X-Sealpost-Decrypted:' "$file" || fail "no X-Sealpost-Decrypted header"
grep -i '^X-Sealpost-Signature:' "$file" | grep -qi 'good' ||
    fail "no good-signature header: $(grep -i '^X-Sealpost' "$file")"
pass "bob's mail arrived decrypted, with carol's good signature noted"

grep -q 'status=sent (250 2.0.0' "$T/pf/log/maillog" ||
    fail "Postfix did not log 250 from Sealpost"
metrics=$(exec 3<>"/dev/tcp/127.0.0.1/$HTTP" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3)
grep -q 'sealpost_messages_total' <<<"$metrics" || fail "/metrics has no message counter"
pass "Postfix logged 250 from Sealpost; /metrics counts the messages"
stop_sealpost_cleanly
echo "postfix: $checks checks passed"
