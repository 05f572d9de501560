#!/usr/bin/env bash
# Bad input fails cleanly: for each one, sealpost exits non-zero, prints exactly one line on
# standard error that names the problem, and leaves the keystore as it was (keys list, every
# table of keystore.db, the passphrase and config files). Bad inputs: garbage, truncated armor,
# a corrupted armored key, a secret key with the wrong passphrase, encrypting to an expired or
# revoked key, signing with a revoked key, a 100,000-character user ID, unknown files and keys,
# init over an existing data dir. Certificate flooding (50,000 third-party signatures) must
# finish within seconds and keep none of them. One failure does not stop the run: every case
# is reported (TAP `not ok`) and the script exits 1 at the end if any check failed.
source "$(dirname "$0")/lib.sh"
for tool in gpg sqop sqlite3 python3; do command -v $tool >/dev/null || fail "$tool is not installed"; done

failed=0
nok() { checks=$((checks + 1)); failed=$((failed + 1)); echo "not ok $checks - $*"; }
D="$T/data"
G() { gpg_batch --trust-model always "$@" 2>>"$T/gpg.log" || { cat "$T/gpg.log" >&2; return 1; }; }
gfpr() { gpg --batch --trust-model always --with-colons --list-keys "$1" 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }'; }

# --- a data dir with a few keys of every kind ----------------------------------------------
sp init "$D" --domain example.org >/dev/null
sp keys generate --user alice@example.org --name Alice >/dev/null
sp keys generate --user alice@example.org --name "Alice (new)" --algo rsa2048 >/dev/null
sp keys domain-key generate example.org >/dev/null
printf 'right passphrase\n' >"$T/right.pw"
printf 'wrong passphrase\n' >"$T/wrong.pw"

G --passphrase '' --quick-gen-key "Bob <bob@peer.test>" ed25519 sign,cert never
bob=$(gfpr bob@peer.test)
G --passphrase '' --quick-add-key "$bob" cv25519 encr never
G --armor --export "$bob" >"$T/bob.asc"
sp keys import "$T/bob.asc" >/dev/null
sp keys prefer "$(sp keys list --filter 'Alice (new)' | awk 'NR == 1 { print $1 }')" >/dev/null

# Expired: made with a clock in 2020 and a 1-day expiry (key and encryption subkey).
G --faked-system-time 20200101T000000 --passphrase '' --quick-gen-key "Old <old@peer.test>" ed25519 sign,cert 1d 
old=$(gfpr old@peer.test)
G --faked-system-time 20200101T000000 --passphrase '' --quick-add-key "$old" cv25519 encr 1d
G --export "$old" >"$T/old.pgp"
sp keys import "$T/old.pgp" >/dev/null

# Revoked: the revocation certificate gpg made at key creation (its leading ':' removed),
# then the secret key with the revocation, under its own passphrase.
G --passphrase-file "$T/right.pw" --quick-gen-key "Rev <rev@peer.test>" ed25519 sign,cert never
rev=$(gfpr rev@peer.test)
G --passphrase-file "$T/right.pw" --quick-add-key "$rev" cv25519 encr never
sed 's/^://' "$GNUPGHOME/openpgp-revocs.d/$rev.rev" >"$T/rev.rev"
G --import "$T/rev.rev"
G --passphrase-file "$T/right.pw" --armor --export-secret-keys "$rev" >"$T/rev.sec"
sp keys import --passphrase-file "$T/right.pw" "$T/rev.sec" >/dev/null
[[ $(sp keys list --filter rev@peer.test) == *"sec  revoked"* ]] || fail "revoked key not stored as revoked with its secret"
[[ $(sp keys list --filter old@peer.test) == *"pub  expired"* ]] || fail "expired key not stored as expired"
pass "setup: $(sp keys list | tail -n 1) (local, domain, peer, expired and revoked keys)"

snapshot() {
    sp keys list --json
    sqlite3 "$D/keystore.db" 'select fingerprint, hex(public_packets), hex(secret_packets), enabled, updated, added, revoked, origin, user_ids from keys order by 1'
    for table in meta key_addresses key_ids preferred_keys domain_keys transport_keys; do
        echo "== $table"; sqlite3 "$D/keystore.db" "select * from $table order by 1, 2"
    done
    echo "== local_domains"; sqlite3 "$D/keystore.db" "select * from local_domains order by 1"
    (cd "$D" && find . -path ./keystore.db -prune -o -name 'keystore.db-*' -prune -o -type f -print0 | sort -z | xargs -0 sha256sum)
}
snapshot >"$T/snap.before" || fail "cannot take a snapshot of the keystore"
cp -a "$D" "$T/data.orig"

# bad WHAT PATTERN CMD...: CMD fails, with one stderr line `sealpost: error: ...` matching
# PATTERN (extended regex, case-insensitive), and the keystore is unchanged. The data dir is
# restored afterwards, so each case starts from the same state.
bad() {
    local what=$1 pattern=$2 rc=0 lines
    shift 2
    "$@" >"$T/out" 2>"$T/err" || rc=$?
    lines=$(wc -l <"$T/err")
    if ((rc != 0)); then pass "$what: exit $rc"; else nok "$what: exit 0 (stdout: $(head -c 200 "$T/out"))"; fi
    if ((lines == 1)) && grep -Eiq "^sealpost: error: .*($pattern)" "$T/err"; then
        pass "$what: one error line: $(cat "$T/err")"
    else
        nok "$what: want one line matching /$pattern/, got $lines: $(tr '\n' '|' <"$T/err" | head -c 600)"
    fi
    snapshot >"$T/snap.after"
    if cmp -s "$T/snap.before" "$T/snap.after"; then
        pass "$what: keystore unchanged"
    else
        nok "$what: keystore changed: $(diff "$T/snap.before" "$T/snap.after" | grep '^[<>]' | cut -c1-120 | head -n 4 | tr '\n' '|')"
    fi
    rm -rf "$D" && cp -a "$T/data.orig" "$D"
}

# --- damaged key data ---------------------------------------------------------------------
# librnp's own diagnostics ("[process_pgp_key_auto() ...] wrong key tag", "[armored_src_read()
# ...] premature end of armored input", ...) must not reach stderr: only Sealpost's one line.
head -c 3000 /dev/urandom >"$T/garbage.bin"
bad "garbage file" "not a readable OpenPGP key" sp keys import "$T/garbage.bin"
printf 'Hello,\nthis is a mail, not a key.\n' >"$T/text.txt"
bad "plain text file" "not a readable OpenPGP key|no OpenPGP" sp keys import "$T/text.txt"

G --armor --export-options export-minimal --export "$rev" >"$T/rev.asc"
size=$(wc -c <"$T/rev.asc")
head -c $((size / 2)) "$T/rev.asc" >"$T/half.asc"
bad "armored key cut in half" "not a readable OpenPGP key|truncated|premature" sp keys import "$T/half.asc"

# A new key that is not in the keystore, armored; one base64 character of its public key
# material changed (CRC then mismatches too), and a character outside base64.
G --passphrase '' --quick-gen-key "Carol <carol@peer.test>" ed25519 sign,cert never
carol=$(gfpr carol@peer.test)
G --armor --export "$carol" >"$T/carol.asc"
python3 - "$T/carol.asc" "$T/carol-flipped.asc" "$T/carol-badchar.asc" <<'EOF'
import sys
lines = open(sys.argv[1]).read().split('\n')
first = next(i for i, l in enumerate(lines) if l and not l.startswith('-') and ':' not in l)
def put(path, col, char):
    out = list(lines); l = out[first]; out[first] = l[:col] + char + l[col + 1:]
    open(path, 'w').write('\n'.join(out))
col = 40  # inside the Ed25519 public point: the key parses, with another fingerprint
put(sys.argv[2], col, 'Q' if lines[first][col] != 'Q' else 'R')
put(sys.argv[3], col, '*')
EOF
# librnp only warns on a CRC mismatch and parses the key under another fingerprint, with no
# valid self-signature left: Sealpost must refuse it and store nothing.
bad "armored key with one base64 character changed (CRC mismatch)" \
    "has no user ID with a valid self-signature \\(damaged or forged\\)|CRC|checksum" \
    sp keys import "$T/carol-flipped.asc"
bad "armored key with a character outside base64" "base64|damaged|corrupt|not a readable" sp keys import "$T/carol-badchar.asc"

# --- secret key with the wrong passphrase -------------------------------------------------
G --passphrase-file "$T/right.pw" --quick-gen-key "Dave <dave@peer.test>" ed25519 sign,cert never
G --passphrase-file "$T/right.pw" --armor --export-secret-keys dave@peer.test >"$T/dave.sec"
bad "secret key import with the wrong passphrase" "passphrase" \
    sp keys import --passphrase-file "$T/wrong.pw" "$T/dave.sec"
bad "secret key import without a passphrase" "passphrase" sp keys import "$T/dave.sec"

# --- unusable keys ------------------------------------------------------------------------
printf 'a message\n' >"$T/msg.txt"
bad "encrypt to an expired key (address)" "expired|no usable key" sp encrypt -r old@peer.test "$T/msg.txt"
bad "encrypt to an expired key (fingerprint)" "expired" sp encrypt -r "$old" "$T/msg.txt"
bad "encrypt to a revoked key (address)" "revoked|no usable key" sp encrypt -r rev@peer.test "$T/msg.txt"
bad "encrypt to a revoked key (fingerprint)" "revoked" sp encrypt -r "$rev" "$T/msg.txt"
bad "sign with a revoked key" "revoked" sp sign --as "$rev" "$T/msg.txt"
bad "encrypt and sign with a revoked key" "revoked" sp encrypt -r bob@peer.test --sign-as "$rev" "$T/msg.txt"

# --- over-long user IDs (gpg refuses to make them; Sequoia's sop does) ----------------------
sqop generate-key "$(python3 -c "print('M' * 3000 + ' <m@peer.test>')")" | sqop extract-cert >"$T/uid3000.asc"
bad "key with a 3,000-character user ID" "a user ID of 30[0-9]{2} bytes, more than the limit of 2048" sp keys import "$T/uid3000.asc"
# At 100,000 characters librnp would drop the packet itself: Sealpost must refuse the user ID
# by its size before librnp sees it.
long="$(python3 -c "print('L' * 100000 + ' <long@peer.test>')")"
sqop generate-key "$long" | sqop extract-cert >"$T/long.asc" || fail "sqop cannot make the long-user-ID key"
# (gpg cannot even list it: "packet(13) too large")
(($(sqop dearmor <"$T/long.asc" | tr -cd L | wc -c) >= 100000)) || fail "no long user ID in $T/long.asc"
bad "key with a 100,000-character user ID" "a user ID of 1000[0-9]{2} bytes, more than the limit of 2048" \
    sp keys import "$T/long.asc"

# --- names that do not exist ---------------------------------------------------------------
bad "import of an unknown path" "cannot open|no such file|not found" sp keys import "$T/no-such-file.asc"
bad "export of an unknown fingerprint" "no key" sp keys export 0123456789ABCDEF0123456789ABCDEF01234567
bad "export of an unknown address" "no key" sp keys export nobody@example.org --out "$T/x.asc"
bad "init on an existing non-empty data dir" "not empty|exists" "$SEALPOST" --log-level warn init "$D"

# --- certificate flooding: 50,000 copies of one third-party certification ------------------
G --passphrase '' --quick-gen-key "Flooder <flooder@peer.test>" ed25519 sign,cert never
G --passphrase '' --quick-gen-key "Erin <erin@peer.test>" ed25519 sign,cert never
erin=$(gfpr erin@peer.test)
G --passphrase '' --quick-add-key "$erin" cv25519 encr never
G --passphrase '' --default-key flooder@peer.test --quick-sign-key "$erin"
G --export "$erin" >"$T/erin.pgp"
python3 - "$T/erin.pgp" "$(gfpr flooder@peer.test)" 50000 "$T/flood.pgp" <<'EOF'
import sys
def packets(data):  # (tag, whole packet) for old- and new-format headers
    i = 0
    while i < len(data):
        start, ctb = i, data[i]; i += 1
        if ctb & 0x40:
            tag, o = ctb & 0x3f, data[i]; i += 1
            if o < 192: n = o
            elif o < 224: n = ((o - 192) << 8) + data[i] + 192; i += 1
            elif o == 255: n = int.from_bytes(data[i:i + 4], 'big'); i += 4
            else: sys.exit('partial length in a key')
        else:
            tag, w = (ctb >> 2) & 0x0f, (1, 2, 4, 0)[ctb & 3]
            n = int.from_bytes(data[i:i + w], 'big'); i += w
        yield tag, data[start:i + n]; i += n
src, issuer, copies, out = open(sys.argv[1], 'rb').read(), bytes.fromhex(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
pk = list(packets(src))
certs = [p for t, p in pk if t == 2 and issuer[-8:] in p]
assert len(certs) == 1, f'{len(certs)} certifications by the flooder'
open(out, 'wb').write(b''.join(p * copies if p is certs[0] else p for t, p in pk))
EOF
[[ $(gpg --list-packets "$T/flood.pgp" 2>/dev/null | grep -c 'sigclass 0x10') == 50000 ]] || fail "flood.pgp does not hold 50,000 certifications"
rc=0
/usr/bin/time -v -o "$T/time.txt" timeout 60 "$SEALPOST" --log-level warn --data-dir "$D" keys import "$T/flood.pgp" >"$T/out" 2>"$T/err" || rc=$?
secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$T/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$T/time.txt")
pass "flood import of $(wc -c <"$T/flood.pgp") bytes: exit $rc in ${secs}s, max RSS ${rss} kB: $(tr '\n' ' ' <"$T/out")$(tr '\n' ' ' <"$T/err")"
if ((rc == 124)); then nok "flood import: killed by the 60 s timeout"
elif awk -v s="$secs" 'BEGIN { exit !(s < 10) }'; then pass "flood import finished in ${secs}s (< 10 s)"
else nok "flood import took ${secs}s (>= 10 s)"; fi
if ((rss < 500000)); then pass "flood import max RSS ${rss} kB (< 500 MB)"; else nok "flood import max RSS ${rss} kB"; fi
if ((rc != 0)); then
    if [[ $(wc -l <"$T/err") == 1 ]] && cmp -s "$T/snap.before" <(snapshot); then
        pass "flooded key refused cleanly: $(cat "$T/err")"
    else nok "flooded key refused, but not cleanly: $(tr '\n' '|' <"$T/err" | head -c 300)"; fi
else
    stored=$(sqlite3 "$D/keystore.db" "select length(public_packets) from keys where fingerprint = '$erin'")
    if [[ -n $stored ]] && ((stored < 2000)); then
        pass "flooded key stored without the certifications: public_packets ${stored} bytes"
    else nok "flooded key: stored public_packets '${stored}' bytes"; fi
    sp keys export "$erin" --out "$T/erin.out" >/dev/null
    n=$(gpg --list-packets "$T/erin.out" 2>/dev/null | grep -c 'sigclass 0x10' || true)
    if ((n == 0)); then pass "exported flooded key has no third-party certification"; else nok "exported flooded key has $n certifications"; fi
    if printf 'to erin\n' | sp encrypt -r erin@peer.test >"$T/erin.msg"; then pass "flooded key still usable to encrypt"
    else nok "cannot encrypt to the flooded key"; fi
fi

echo "# $checks checks, $failed failed"
((failed == 0))
