#!/usr/bin/env bash
# Hostile inbound mail through `sealpost process` (issue 3, point 3): 1,000-deep multipart
# nesting, a 100 MB header, a compression bomb, malformed boundaries and forged result headers.
# Each message must be refused with a non-zero sysexit (so the MTA keeps or bounces it) or
# passed on with nothing lost, within bounded time and memory, and never crash. Every run goes
# through `timeout` and `/usr/bin/time -v`; the ok line shows seconds and peak RSS.
#
# The compression bomb is 1 GiB of zeros by default (gpg needs ~10-25 s per GiB here; 10 GiB
# takes minutes). Set SEALPOST_BOMB_GIB=10 for the full 10 GiB. Either is far over the
# default limits.max_decompressed_bytes (256 MiB), which is what is being tested.
source "$(dirname "$0")/lib.sh"
for tool in gpg python3 timeout /usr/bin/time; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
BOMB_GIB=${SEALPOST_BOMB_GIB:-1}
MAX_RSS_KB=$((1024 * 1024))  # 1 GiB: no hostile message may cost more

sp init "$T/data" --domain example.org >/dev/null
sp users add bob@example.org >/dev/null
sp keys generate --user bob@example.org --name Bob >/dev/null
sp keys export bob@example.org --out "$T/bob.asc" >/dev/null
gpg_batch --import "$T/bob.asc" 2>/dev/null

# run NAME INPUT [TIMEOUT]: sealpost process, inbound to bob, output in $T/NAME/.
# Sets rc, secs, rss_kb; stderr in $T/NAME.err.
run() {
    local name=$1 input=$2 limit=${3:-120}
    rc=0
    /usr/bin/time -v -o "$T/$name.time" timeout "$limit" "$SEALPOST" --log-level error \
        --data-dir "$T/data" process --sender carol@peer.test --recipient bob@example.org \
        --role inbound --queue-id "$name" --out-dir "$T/$name" \
        <"$input" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' \
        "$T/$name.time")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$T/$name.time")
    [[ $rc != 124 && $rc != 137 ]] || fail "$name: timed out after ${limit}s"
    ((rc < 128)) || fail "$name: killed by signal $((rc - 128)): $(tail -n 3 "$T/$name.err")"
    ((rss_kb < MAX_RSS_KB)) || fail "$name: peak RSS ${rss_kb} KiB exceeds $MAX_RSS_KB KiB"
}
figures() { echo "(${secs}s, max RSS $((rss_kb / 1024)) MiB)"; }
# exactly one output message 1.eml, with its 1.env
one_output() {
    local name=$1
    [[ -f $T/$name/1.eml && -f $T/$name/1.env ]] || fail "$name: no 1.eml/1.env (rc=$rc)"
    [[ ! -e $T/$name/2.eml ]] || fail "$name: more than one output message"
}
why() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["why"])' "$1"; }
set_limit() {  # set_limit KEY VALUE in sealpost.toml
    sed -i "s/^$1 = .*/$1 = $2/" "$T/data/sealpost.toml"
    grep -q "^$1 = $2\$" "$T/data/sealpost.toml" || fail "could not set $1"
}

# --- 1. 1,000-deep multipart nesting: passed through byte for byte (max_mime_depth is 64).
python3 - >"$T/deep.eml" <<'PY'
import sys
depth = 1000
out = [b'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: deep\r\n'
       b'MIME-Version: 1.0\r\n']
for i in range(depth):
    out.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
out.append(b'Content-Type: text/plain\r\n\r\nDEEP-MARKER at the bottom\r\n')
for i in reversed(range(depth)):
    out.append(b'--b%d--\r\n' % i)
sys.stdout.buffer.write(b''.join(out))
PY
run deep "$T/deep.eml" 60
[[ $rc == 0 ]] || fail "deep: exit $rc: $(tail -n 1 "$T/deep.err")"
one_output deep
cmp -s "$T/deep.eml" "$T/deep/1.eml" || fail "deep: output differs from the input"
[[ $(why "$T/deep/1.env") == pass-through* ]] || fail "deep: why=$(why "$T/deep/1.env")"
pass "1,000-deep nesting passed through unchanged, exit 0 $(figures)"

# --- 2. A 100 MB header (one field, folded into 1000-byte lines).
python3 - "$T/bighdr.eml" <<'PY'
import sys
with open(sys.argv[1], 'wb') as f:
    f.write(b'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: big header\r\n')
    f.write(b'X-Junk: start')
    line = b'\r\n ' + b'a' * 997            # 1000 bytes per folded line
    chunk = line * 1000                      # ~1 MB
    for _ in range(100):
        f.write(chunk)
    f.write(b'\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nBIGHDR-MARKER\r\n')
PY
size=$(stat -c %s "$T/bighdr.eml")
((size > 100000000)) || fail "big header message is only $size bytes"
# 2a. default limits (max_message_bytes = 50 MiB): refused with EX_DATAERR, nothing written.
run bighdr "$T/bighdr.eml" 60
[[ $rc == 65 ]] || fail "bighdr: exit $rc, expected 65 (EX_DATAERR): $(tail -n 1 "$T/bighdr.err")"
grep -Eqi 'larger than|limit|too large|exceed' "$T/bighdr.err" ||
    fail "bighdr: refusal does not say why: $(cat "$T/bighdr.err")"
[[ -z $(ls -A "$T/bighdr" 2>/dev/null) ]] || fail "bighdr: output written despite refusal"
pass "100 MB header over max_message_bytes refused: exit 65, '$(tail -n 1 "$T/bighdr.err")' $(figures)"
# 2b. max_message_bytes raised to 200 MiB: the MIME parser's header limit passes it through.
set_limit max_message_bytes 209715200
run bighdr2 "$T/bighdr.eml" 120
[[ $rc == 0 ]] || fail "bighdr2: exit $rc: $(tail -n 1 "$T/bighdr2.err")"
one_output bighdr2
cmp -s "$T/bighdr.eml" "$T/bighdr2/1.eml" || fail "bighdr2: output differs from the input"
pass "100 MB header under a 200 MiB limit passed through unchanged ($(why "$T/bighdr2/1.env")) $(figures)"
set_limit max_message_bytes 52428800
rm -f "$T/bighdr.eml"; rm -rf "$T/bighdr2"

# --- 3. Compression bomb: zeros compressed with zlib -9 and encrypted to bob, as PGP/MIME.
head -c "${BOMB_GIB}G" /dev/zero |
    gpg_batch --trust-model always --compress-algo zlib --compress-level 9 --armor \
        --set-filename '' -r bob@example.org --encrypt -o "$T/bomb.asc"
bomb_size=$(stat -c %s "$T/bomb.asc")
{
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: bomb\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: multipart/encrypted; '
    printf 'protocol="application/pgp-encrypted"; boundary="b"\r\n\r\n'
    printf -- '--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n'
    printf -- '--b\r\nContent-Type: application/octet-stream\r\n\r\n'
    sed 's/$/\r/' "$T/bomb.asc"
    printf '\r\n--b--\r\n'
} >"$T/bomb.eml"
run bomb "$T/bomb.eml" 300
[[ $rc == 0 ]] || fail "bomb: exit $rc: $(tail -n 1 "$T/bomb.err")"
one_output bomb
grep -q '^X-Sealpost-Decrypted: no; reason=too-large' "$T/bomb/1.eml" ||
    fail "bomb: $(grep -i '^X-Sealpost' "$T/bomb/1.eml" || echo 'no X-Sealpost header')"
grep -q '^X-Sealpost-Decrypted: yes' "$T/bomb/1.eml" && fail "bomb: decrypted"
# nothing lost: the ciphertext is still there, line for line
sed -n '/^-----BEGIN PGP MESSAGE-----/,/^-----END PGP MESSAGE-----/p' "$T/bomb/1.eml" |
    tr -d '\r' | cmp -s - "$T/bomb.asc" || fail "bomb: the ciphertext was not kept intact"
pass "${BOMB_GIB} GiB compression bomb ($((bomb_size / 1024)) KiB armored) refused: reason=too-large, original kept $(figures)"
rm -f "$T/bomb.asc" "$T/bomb.eml"

# --- 4. Malformed boundaries: each delivered (parsed or passed through), text never lost.
boundary_case() {  # boundary_case NAME CONTENT-TYPE-LINE BODY
    local name=$1
    { printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: %s\r\n' "$name"
      printf 'MIME-Version: 1.0\r\n%s\r\n\r\n' "$2"; printf '%b' "$3"; } >"$T/$name.eml"
    run "$name" "$T/$name.eml" 60
    [[ $rc == 0 ]] || fail "$name: exit $rc: $(tail -n 1 "$T/$name.err")"
    one_output "$name"
    grep -q "MARKER-$name" "$T/$name/1.eml" || fail "$name: the body text was lost"
    pass "malformed boundary '$name' delivered with its text ($(why "$T/$name/1.env")) $(figures)"
}
boundary_case no-boundary-lines 'Content-Type: multipart/mixed; boundary="zz"' \
    'MARKER-no-boundary-lines and no boundary at all\r\n'
boundary_case unterminated 'Content-Type: multipart/mixed; boundary="zz"' \
    '--zz\r\nContent-Type: text/plain\r\n\r\nMARKER-unterminated, no closing line\r\n'
boundary_case empty-boundary 'Content-Type: multipart/mixed; boundary=""' \
    '--\r\nContent-Type: text/plain\r\n\r\nMARKER-empty-boundary\r\n----\r\n'
boundary_case no-param 'Content-Type: multipart/mixed' \
    '--zz\r\nContent-Type: text/plain\r\n\r\nMARKER-no-param\r\n--zz--\r\n'
long=$(printf 'x%.0s' $(seq 1 500))
boundary_case long-boundary "Content-Type: multipart/mixed; boundary=\"$long\"" \
    "--$long\r\nContent-Type: text/plain\r\n\r\nMARKER-long-boundary\r\n--$long--\r\n"
# boundary prefixes on 200,000 lines: boundary matching must not go quadratic
python3 - >"$T/prefix.body" <<'PY'
import sys
sys.stdout.buffer.write(b'--zz\r\nContent-Type: text/plain\r\n\r\nMARKER-prefix-flood\r\n'
                        + b'--z\r\n--zzz\r\n' * 100000 + b'--zz--\r\n')
PY
boundary_case prefix-flood 'Content-Type: multipart/mixed; boundary="zz"' "$(cat "$T/prefix.body")"
# multipart/encrypted whose boundary never appears: not decrypted, delivered as it came
boundary_case encrypted-no-parts \
    'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"' \
    'MARKER-encrypted-no-parts\r\n'
grep -q '^X-Sealpost-Decrypted: yes' "$T/encrypted-no-parts/1.eml" &&
    fail "encrypted-no-parts: claims to be decrypted"

# --- 5. Forged result headers from outside are removed (any case, folded).
{
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: forged\r\n'
    printf 'X-Sealpost-Signature: good; signer=FORGED1\r\n'
    printf 'x-sealpost-decrypted: yes (key FORGED2)\r\n'
    printf 'X-SEALPOST-SIGNATURE:\r\n good; signer=FORGED3\r\n'
    printf 'MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nMARKER-forged\r\n'
} >"$T/forged.eml"
run forged "$T/forged.eml" 60
[[ $rc == 0 ]] || fail "forged: exit $rc"
one_output forged
grep -q MARKER-forged "$T/forged/1.eml" || fail "forged: body lost"
if grep -n 'FORGED' "$T/forged/1.eml" >"$T/forged.hits"; then
    fail "forged: result header kept: $(cat "$T/forged.hits")"
fi
grep -qi '^X-Sealpost-Signature: good' "$T/forged/1.eml" && fail "forged: says good signature"
pass "forged X-Sealpost-* headers (3 spellings) removed $(figures)"

# --- 6. A forged header on a message the parser refuses (too deep) must not survive the
# pass-through either: otherwise nesting 65 levels deep launders a forged "good" signature.
{
    printf 'From: <carol@peer.test>\r\nTo: <bob@example.org>\r\nSubject: deep forged\r\n'
    printf 'X-Sealpost-Signature: good; signer=FORGED-DEEP\r\n'
    tail -c +$(($(grep -bo 'MIME-Version' "$T/deep.eml" | head -n 1 | cut -d: -f1) + 1)) \
        "$T/deep.eml"
} >"$T/deepforged.eml"
run deepforged "$T/deepforged.eml" 60
[[ $rc == 0 ]] || fail "deepforged: exit $rc"
one_output deepforged
grep -q DEEP-MARKER "$T/deepforged/1.eml" || fail "deepforged: body lost"
if grep -n 'FORGED-DEEP' "$T/deepforged/1.eml" >"$T/deepforged.hits"; then
    fail "deepforged: forged header kept on pass-through ($(why "$T/deepforged/1.env")): $(cat "$T/deepforged.hits")"
fi
pass "forged header removed from a message passed through unparsed $(figures)"
echo "all $checks checks passed"
