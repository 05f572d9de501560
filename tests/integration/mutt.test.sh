#!/usr/bin/env bash
# End to end with a real mail client (issue 3, point 1): the Debian `mutt` package composes a
# PGP/MIME signed+encrypted message (driven unattended in a pseudo-terminal made by `script`,
# as ../shared/TESTBED.md §2 describes; batch mode would silently send plain text) from alice,
# whose key lives in gpg, to bob, whose key Sealpost holds. `sealpost process --role inbound`
# must decrypt it, find alice's signature good, and deliver the plain text.
source "$(dirname "$0")/lib.sh"
for tool in mutt script gpg timeout; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
# The agent socket path must stay under 108 bytes: keep GNUPGHOME short.
G=$(mktemp -d /tmp/spm.XXXXXX)
export GNUPGHOME=$G
chmod 700 "$G"
trap 'gpgconf --homedir "$G" --kill all >/dev/null 2>&1 || true; rm -rf "$G"; cleanup' EXIT

sp init "$T/data" --domain example.org >/dev/null
sp users add bob@example.org >/dev/null
sp keys generate --user bob@example.org --name Bob >/dev/null
sp keys export bob@example.org --out "$T/bob.asc" >/dev/null

gpg_batch --passphrase '' --quick-gen-key 'Alice <alice@sealpost.test>' future-default default never
alice_fpr=$(gpg --with-colons --list-secret-keys alice@sealpost.test | awk -F: '/^fpr/ {print $10; exit}')
gpg_batch --import "$T/bob.asc" 2>/dev/null
bob_fpr=$(gpg --with-colons --list-keys bob@example.org | awk -F: '/^fpr/ {print $10; exit}')
[[ -n $alice_fpr && -n $bob_fpr ]] || fail "no fingerprints (alice=$alice_fpr bob=$bob_fpr)"
gpg_batch --quick-lsign-key "$bob_fpr" >/dev/null 2>&1 # else mutt opens the key menu and waits
gpg_batch --armor --export alice@sealpost.test >"$T/alice.asc"
sp keys import "$T/alice.asc" >/dev/null

mkdir "$T/out"
printf '#!/bin/sh\ncat > "%s/out/$(date +%%s%%N).eml"\n' "$T" >"$T/save-mail.sh"
chmod +x "$T/save-mail.sh"
cat >"$T/muttrc" <<EOF
set sendmail="$T/save-mail.sh"
set from="Alice <alice@sealpost.test>"
set use_from=yes
set hostname=sealpost.test
set folder="$T"
set spoolfile="$T/inbox"
set mbox="$T/mbox"
set tmpdir="$T"
set record=""
set postpone=no
set copy=no
set editor="true"
set abort_unmodified=no
set autoedit=yes
set edit_headers=yes
set send_charset="utf-8"
set crypt_use_gpgme=yes
set pgp_sign_as=$alice_fpr
set crypt_autosign=yes
set crypt_autoencrypt=yes
set pgp_autoinline=no
EOF
printf 'Hello Bob,\nthe mutt passphrase is heron-7319.\n' >"$T/body.txt"
(cd "$T" && TERM=vt100 timeout 30 script -qec \
    "mutt -n -F $T/muttrc -e 'send2-hook . \"push <send-message>\"' \
         -s 'PGP/MIME from mutt' -i $T/body.txt -- bob@example.org" /dev/null \
    >"$T/mutt-tty.log" 2>&1 </dev/null) || true
shopt -s nullglob
sent=("$T"/out/*.eml)
((${#sent[@]} == 1)) || fail "mutt wrote ${#sent[@]} messages; screen: $(tail -c 600 "$T/mutt-tty.log" | tr -cd '[:print:]\n')"
msg=${sent[0]}
grep -q 'multipart/encrypted' "$msg" || fail "mutt did not encrypt: $(grep -i content-type "$msg")"
grep -q 'heron-7319' "$msg" && fail "mutt's message carries the plain text"
pass "mutt composed PGP/MIME multipart/encrypted without the plain text"

# mutt writes LF line endings to the sendmail program; an MTA would hand us CRLF.
sed 's/$/\r/' "$msg" >"$T/in.eml"
sp process --sender alice@sealpost.test --recipient bob@example.org --role inbound \
    --out-dir "$T/delivered" <"$T/in.eml"
[[ -f $T/delivered/1.eml && ! -e $T/delivered/2.eml ]] || fail "not exactly one message delivered"
out=$T/delivered/1.eml
grep -q '^X-Sealpost-Decrypted: yes' "$out" ||
    fail "not decrypted: $(grep -i '^X-Sealpost' "$out" || echo 'no X-Sealpost header')"
pass "Sealpost decrypted mutt's message ($(grep '^X-Sealpost-Decrypted' "$out" | tr -d '\r'))"
grep -q '^X-Sealpost-Signature: good' "$out" ||
    fail "signature not good: $(grep -i '^X-Sealpost-Signature' "$out" || echo 'no signature header')"
grep -q "^X-Sealpost-Signature: good; signer=$alice_fpr" "$out" ||
    fail "signature header does not name alice: $(grep -i '^X-Sealpost-Signature' "$out")"
pass "alice's signature is good ($(grep '^X-Sealpost-Signature' "$out" | tr -d '\r'))"
grep -q 'the mutt passphrase is heron-7319' "$out" || fail "plain text body missing"
grep -q 'BEGIN PGP MESSAGE' "$out" && fail "ciphertext still in the delivered message"
grep -q '^Subject: PGP/MIME from mutt' "$out" || fail "Subject lost"
pass "the plain text body is delivered in place of the ciphertext"
echo "all $checks checks passed"
