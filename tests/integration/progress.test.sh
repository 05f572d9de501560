#!/usr/bin/env bash
# A progress bar is drawn for long CLI work when standard error is a terminal, and never
# when it is not (scripts and logs must not see it).
source "$(dirname "$0")/lib.sh"

sp init "$T/data" >/dev/null
for i in 1 2 3 4 5; do
    gpg_batch --passphrase '' --quick-gen-key "Peer $i <peer$i@remote.test>" ed25519 sign never
done
gpg_batch --armor --export >"$T/peers.asc"

# Under a pseudo-terminal (script(1)), the bar appears with its count.
script -qec "$SEALPOST --log-level warn --data-dir $T/data keys import $T/peers.asc" \
    "$T/typescript" >/dev/null
grep -q 'importing keys \[#*\] 5/5' "$T/typescript" ||
    fail "no progress bar on a terminal: $(tr '\r' '\n' <"$T/typescript" | head -5)"
pass "bulk import on a terminal draws a progress bar ending at 5/5"

# With standard error a file, no bar.
sp keys import "$T/peers.asc" >/dev/null 2>"$T/err"
if grep -q 'importing keys' "$T/err"; then fail "progress bar written to a non-terminal"; fi
pass "no progress bar when standard error is not a terminal"

script -qec "$SEALPOST --log-level warn --data-dir $T/data backup" "$T/typescript2" >/dev/null
grep -q 'backing up keys \[#*\] 5/5' "$T/typescript2" || fail "no progress bar for backup"
pass "backup on a terminal draws a progress bar"
