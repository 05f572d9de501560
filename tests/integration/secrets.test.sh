#!/usr/bin/env bash
# Passphrases never reach a log line, an error message or standard output, even at the most
# verbose log level, and never an argument list (they are only read from files).
source "$(dirname "$0")/lib.sh"

trace() { "$SEALPOST" --log-level trace --data-dir "$T/data" "$@" >>"$T/all" 2>&1; }
"$SEALPOST" --log-level trace init "$T/data" >>"$T/all" 2>&1
master=$(cat "$T/data/passphrase")
trace keys generate --user alice@example.org
echo 'their own passphrase 7f3a' >"$T/own.pw"
gpg_batch --passphrase-file "$T/own.pw" --quick-gen-key "Peer <peer@remote.test>" ed25519 sign never
gpg_batch --passphrase-file "$T/own.pw" --armor --export-secret-keys peer@remote.test >"$T/peer.sec"
trace keys import --passphrase-file "$T/own.pw" "$T/peer.sec"
echo 'wrong passphrase 99' >"$T/wrong.pw"
trace keys import --passphrase-file "$T/wrong.pw" "$T/peer.sec" || true
echo secret message >"$T/m.txt"
trace encrypt -r alice@example.org --sign-as alice@example.org -o "$T/m.asc" "$T/m.txt"
trace decrypt -o "$T/m.out" "$T/m.asc"
trace keys export alice@example.org --secret --passphrase-file "$T/own.pw" --out "$T/a.sec"
trace backup
echo 'the next master passphrase 42' >"$T/next.pw"
trace passphrase change --new-passphrase-file "$T/next.pw"
trace decrypt -o "$T/m.out2" "$T/m.asc"

cmp -s "$T/m.out2" "$T/m.txt" || fail "decrypt after the passphrase change"
[ "$(wc -l <"$T/all")" -gt 10 ] || fail "the trace log is suspiciously short"
for secret in "$master" 'their own passphrase 7f3a' 'wrong passphrase 99' \
    'the next master passphrase 42'; do
    if grep -qF -- "$secret" "$T/all"; then fail "a passphrase reached the output: $secret"; fi
done
pass "no passphrase in $(wc -l <"$T/all") lines of trace-level output of 11 commands"
echo "1..$checks"
