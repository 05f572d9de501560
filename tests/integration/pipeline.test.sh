#!/usr/bin/env bash
# `sealpost process` end to end against GnuPG and sqop: what Sealpost signs and encrypts opens
# and verifies in gpg and sqop the way a mail client would (signed part and detached signature
# extracted by hand); PGP/MIME that gpg wrote decrypts and verifies here; ciphertext without
# integrity protection is not decrypted; --explain changes nothing; exit codes are sysexits.
source "$(dirname "$0")/lib.sh"
command -v gpg >/dev/null || fail "gpg is not installed"

sp init "$T/data" --domain example.org >/dev/null
sp users add alice@example.org >/dev/null
sp users add bob@example.org >/dev/null
sp keys generate --user alice@example.org --name Alice >/dev/null
sp keys generate --user bob@example.org --name Bob >/dev/null
sp keys export alice@example.org --out "$T/alice.asc" >/dev/null
sp keys export bob@example.org --out "$T/bob.asc" >/dev/null

gpg_batch --passphrase '' --quick-gen-key 'Carol <carol@peer.test>' future-default default never
gpg_batch --import "$T/alice.asc" "$T/bob.asc" 2>/dev/null
gpg_batch --armor --export carol@peer.test >"$T/carol.asc"
gpg_batch --armor --export carol@peer.test >"$T/carol.pgp"
sp keys import "$T/carol.asc" >/dev/null
gq() { gpg_batch --trust-model always "$@"; }

mail() {  # mail FROM TO SUBJECT
    printf 'From: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n' "$1" "$2" "$3"
    printf 'Content-Type: text/plain; charset=utf-8\r\n\r\nThe launch is on Friday.\r\n'
}
submit() {  # submit OUTDIR TO SUBJECT
    mail alice@example.org "$2" "$3" | sp process --sender alice@example.org --recipient "$2" \
        --role submission --authenticated --queue-id Q1 --out-dir "$1"
}
# part N of a two-part multipart file, exactly as transmitted (RFC 3156: CRLF kept)
part() {
    python3 - "$1" "$2" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
b = re.search(rb'boundary="([^"]+)"', data).group(1)
body = data.split(b'\r\n\r\n', 1)[1]
parts = body.split(b'--' + b)[1:3]
p = parts[int(sys.argv[2]) - 1]
p = p[2:]            # the CRLF after the boundary line
p = p[:-2]           # the CRLF that belongs to the next boundary
if sys.argv[2] == '2':
    p = p.split(b'\r\n\r\n', 1)[1]
sys.stdout.buffer.write(p)
PY
}

# Outbound sign+encrypt to a remote recipient with a key: gpg decrypts and the signature is good.
submit "$T/out1" carol@peer.test "Friday"
[[ -f $T/out1/1.eml && -f $T/out1/1.env ]] || fail "no 1.eml/1.env"
grep -q '"why": "encrypt+sign"' "$T/out1/1.env" || fail "not encrypt+sign: $(cat "$T/out1/1.env")"
grep -q 'multipart/encrypted' "$T/out1/1.eml" || fail "not PGP/MIME encrypted"
part "$T/out1/1.eml" 2 >"$T/ct.asc"
gq --status-fd 3 --decrypt "$T/ct.asc" >"$T/plain1" 3>"$T/status1" 2>/dev/null
grep -q 'The launch is on Friday' "$T/plain1" || fail "gpg did not decrypt"
grep -q '^\[GNUPG:\] GOODSIG' "$T/status1" || fail "gpg: no good signature inside"
pass "sign+encrypt: gpg decrypts and the signature is good"

# Sign only (--pgps, to a recipient without a key): gpg and sqop verify as a client would.
submit "$T/out2" dave@peer.test "--pgps Friday"
grep -q 'multipart/signed' "$T/out2/1.eml" || fail "not PGP/MIME signed"
grep -Eqi 'micalg="?pgp-sha256' "$T/out2/1.eml" || fail "micalg is not pgp-sha256"
grep -q '^Subject: Friday' "$T/out2/1.eml" || fail "the --pgps code was not removed"
part "$T/out2/1.eml" 1 >"$T/signed.part"
part "$T/out2/1.eml" 2 >"$T/signed.sig"
gq --verify "$T/signed.sig" "$T/signed.part" 2>/dev/null || fail "gpg --verify failed"
pass "gpg verifies the detached signature over the signed part"
if command -v sqop >/dev/null; then
    sqop verify "$T/signed.sig" "$T/alice.asc" <"$T/signed.part" >/dev/null ||
        fail "sqop verify failed"
    pass "sqop verifies the detached signature over the signed part"
fi

# Inbound: PGP/MIME written around gpg's output decrypts and verifies for bob.
printf 'Content-Type: text/plain\r\n\r\nHi Bob, code 4711.\r\n' >"$T/entity"
gq --armor --sign --encrypt -u carol@peer.test -r bob@example.org -o "$T/in.asc" "$T/entity"
{
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: hi\r\n'
    printf 'X-Sealpost-Signature: good; signer=FORGED\r\nMIME-Version: 1.0\r\n'
    printf 'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; '
    printf 'boundary="b"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\n'
    printf 'Version: 1\r\n\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n'
    sed 's/$/\r/' "$T/in.asc"
    printf '\r\n--b--\r\n'
} >"$T/in.eml"
sp process --sender carol@peer.test --recipient bob@example.org --out-dir "$T/out3" <"$T/in.eml"
grep -q 'code 4711' "$T/out3/1.eml" || fail "not decrypted"
grep -q '^X-Sealpost-Decrypted: yes' "$T/out3/1.eml" || fail "no decrypted header"
grep -q '^X-Sealpost-Signature: good' "$T/out3/1.eml" || fail "no good signature header"
grep -q FORGED "$T/out3/1.eml" && fail "forged header kept"
pass "gpg's PGP/MIME decrypts and verifies; the forged header is gone"

# No MDC: refused, original delivered with the reason.
gq --rfc2440 --cipher-algo CAST5 --disable-mdc --armor -r bob@example.org -o "$T/nomdc.asc" \
    --encrypt "$T/entity" 2>/dev/null
python3 - "$T/in.eml" "$T/in.asc" "$T/nomdc.asc" >"$T/nomdc.eml" <<'PY'
import sys
eml, old, new = (open(p, 'rb').read() for p in sys.argv[1:])
sys.stdout.buffer.write(eml.replace(old.replace(b'\n', b'\r\n'), new.replace(b'\n', b'\r\n')))
PY
sp process --sender carol@peer.test --recipient bob@example.org --out-dir "$T/out4" \
    <"$T/nomdc.eml"
grep -q 'code 4711' "$T/out4/1.eml" && fail "no-MDC ciphertext was decrypted"
grep -q '^X-Sealpost-Decrypted: no; reason=no-integrity-protection' "$T/out4/1.eml" ||
    fail "no reason header: $(grep X-Sealpost "$T/out4/1.eml")"
pass "ciphertext without MDC is not decrypted and says why"

# Inline PGP: a body that is gpg's armored signed-and-encrypted block, as older clients send.
gq --armor --sign --encrypt -u carol@peer.test -r bob@example.org -o "$T/inline.asc" \
    <<<"Inline for Bob, code 5150."
{
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: inline\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
    sed 's/$/\r/' "$T/inline.asc"
} >"$T/inline.eml"
sp process --sender carol@peer.test --recipient bob@example.org --out-dir "$T/out6" \
    <"$T/inline.eml"
grep -q 'code 5150' "$T/out6/1.eml" || fail "inline PGP not decrypted"
grep -q 'BEGIN PGP MESSAGE' "$T/out6/1.eml" && fail "inline ciphertext left in the body"
grep -q '^X-Sealpost-Decrypted: yes' "$T/out6/1.eml" || fail "inline: no decrypted header"
grep -q '^X-Sealpost-Signature: good' "$T/out6/1.eml" || fail "inline: no good signature"
pass "gpg's inline PGP message decrypts and verifies"

# Cleartext signature (gpg --clearsign): verified, the text left readable; a changed text is bad.
printf 'Meet at the north gate.\n' | gq --clearsign -u carol@peer.test >"$T/clear.asc"
clear_mail() {
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: clear\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
    sed 's/$/\r/' "$1"
}
clear_mail "$T/clear.asc" |
    sp process --sender carol@peer.test --recipient bob@example.org --out-dir "$T/out7"
grep -q 'Meet at the north gate.' "$T/out7/1.eml" || fail "cleartext-signed text lost"
grep -q '^X-Sealpost-Signature: good' "$T/out7/1.eml" ||
    fail "cleartext signature not verified: $(grep X-Sealpost "$T/out7/1.eml")"
sed 's/north/south/' "$T/clear.asc" >"$T/clear-changed.asc"
clear_mail "$T/clear-changed.asc" |
    sp process --sender carol@peer.test --recipient bob@example.org --out-dir "$T/out8"
grep -q '^X-Sealpost-Signature: bad' "$T/out8/1.eml" ||
    fail "changed cleartext not reported bad: $(grep X-Sealpost "$T/out8/1.eml")"
pass "gpg's cleartext-signed message verifies; a changed text is reported bad"

# --explain prints the decision and writes nothing.
mail alice@example.org carol@peer.test hi | sp process --sender alice@example.org \
    --recipient carol@peer.test --role submission --authenticated --explain >"$T/explain"
grep -q '^carol@peer.test: encrypt+sign' "$T/explain" || fail "explain: $(cat "$T/explain")"
pass "--explain prints the decision"

# --sendmail gets -f SENDER -- RECIPIENT; a failing command is a temporary failure (75).
printf '#!/bin/sh\necho "$@" >"%s/args"; cat >"%s/sent"\n' "$T" "$T" >"$T/sm.sh"
chmod +x "$T/sm.sh"
mail alice@example.org dave@peer.test hi | sp process --sender alice@example.org \
    --recipient dave@peer.test --role submission --authenticated --sendmail "$T/sm.sh"
[[ $(cat "$T/args") == "-f alice@example.org -- dave@peer.test" ]] || fail "args: $(cat "$T/args")"
pass "--sendmail gets -f SENDER -- RECIPIENT"
rc=0
mail alice@example.org dave@peer.test hi | sp process --sender alice@example.org \
    --recipient dave@peer.test --sendmail false 2>/dev/null || rc=$?
[[ $rc == 75 ]] || fail "failing sendmail exited $rc, not 75"
pass "a failing sendmail command exits 75"
echo "all $checks checks passed"
