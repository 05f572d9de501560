#!/usr/bin/env bash
# Interoperability with GnuPG 2.2, for an Ed25519/Cv25519 and an RSA-2048 key on each side:
# keys travel both ways (public and passphrase-protected secret), encrypted+signed messages,
# detached and cleartext signatures are read by the other side, and `sealpost backup` output
# restores into an empty GnuPG home that can then decrypt with the master passphrase.
source "$(dirname "$0")/lib.sh"
command -v gpg >/dev/null || fail "gpg is not installed"

# No passphrase caching in gpg-agent: every use of a secret key must bring its passphrase.
printf 'default-cache-ttl 0\nmax-cache-ttl 0\n' >"$GNUPGHOME/gpg-agent.conf"

sp init "$T/data" --domain example.org >/dev/null
printf 'sealpost-export-pass\n' >"$T/sp.pw"   # protects secret keys exported from Sealpost
printf 'gpg-key-pass\n' >"$T/gpg.pw"          # protects the keys gpg generates
printf 'wrong\n' >"$T/wrong.pw"
head -c 5000 /dev/urandom >"$T/plain.bin"     # every byte value, CR and LF included
printf 'First line\nZeile zwei: Grüße\n\n- dash line\nFrom the start\nlast line\n' >"$T/plain.txt"
printf 'tampered' >>"$T/plain.bin.bad"; cat "$T/plain.bin" >>"$T/plain.bin.bad"

# gpg_good STATUSFILE FPR: gpg reported a good, valid signature by primary key FPR.
gpg_good() {
    grep -q '^\[GNUPG:\] GOODSIG ' "$1" || return 1
    grep -Eq "^\[GNUPG:\] VALIDSIG [0-9A-F]{40} .* $2\$" "$1"
}
# sp_good ERRFILE FPR: Sealpost printed `signature: good from FPR ...` and nothing bad.
sp_good() { grep -Eq "^signature: good from $2 " "$1" && ! grep -Eq '^signature: (bad|unknown)' "$1"; }
# gq ARGS...: gpg_batch, quiet unless it fails; keys are used without a trust path.
gq() {
    gpg_batch --trust-model always "$@" 2>"$T/gpg.err" && return 0
    cat "$T/gpg.err" >&2; return 1
}
sp_fpr() { sp keys list --filter "$1" | awk 'NR == 1 { print $1 }'; }
gl() { gpg --batch --quiet --trust-model always --with-colons "$@"; }
gpg_fpr() { gl --list-keys "$1" | awk -F: '$1 == "fpr" { print $10; exit }'; }

for algo in ed25519 rsa2048; do
    if [[ $algo == ed25519 ]]; then
        spu=alice@example.org gu=carol@peer.test gspec=future-default pkalgo=22 arm=()
    else
        spu=bob@example.org gu=dave@peer.test gspec=rsa2048 pkalgo=1 arm=(--binary)
    fi
    d="$T/$algo"; mkdir "$d"

    # --- 1. keys: Sealpost -> gpg --------------------------------------------------------
    sp keys generate --user "$spu" --name "Sealpost $algo" --algo "$algo" >/dev/null
    spf=$(sp_fpr "$spu"); [[ $spf =~ ^[0-9A-F]{40}$ ]] || fail "$algo: no fingerprint for $spu"
    sp keys export "$spu" --out "$d/sp.pub" >/dev/null
    gq --import "$d/sp.pub"
    gl --list-keys "$spf" >"$d/colons" || fail "$algo: gpg does not list $spf"
    grep -Eq "^pub:[^:]*:[0-9]+:$pkalgo:" "$d/colons" || fail "$algo: wrong algorithm in gpg: $(head -1 "$d/colons")"
    grep -q '^sub:.*:e:' "$d/colons" || fail "$algo: gpg sees no encryption subkey"
    pass "$algo: Sealpost public key imports into gpg ($spf)"

    sp keys export "$spu" --secret --passphrase-file "$T/sp.pw" --out "$d/sp.sec" >/dev/null
    gq --passphrase-file "$T/sp.pw" --import "$d/sp.sec"
    gl --list-secret-keys "$spf" | grep -q '^sec:' || fail "$algo: gpg has no secret key $spf"
    pass "$algo: Sealpost secret key (--passphrase-file) imports into gpg"

    # --- 1. keys: gpg -> Sealpost --------------------------------------------------------
    gq --passphrase-file "$T/gpg.pw" --quick-gen-key "GnuPG $algo <$gu>" "$gspec" default never
    gf=$(gpg_fpr "$gu")
    if [[ $algo == rsa2048 ]]; then  # rsa2048 'default' gives no encryption subkey in 2.2
        gq --passphrase-file "$T/gpg.pw" --quick-add-key "$gf" rsa2048 encr never
    fi
    gq --armor --export "$gu" >"$d/g.pub"
    gq --passphrase-file "$T/gpg.pw" --armor --export-secret-keys "$gu" >"$d/g.sec"
    expect_fail "$algo: importing the gpg-protected secret key without its passphrase" \
        sp keys import "$d/g.sec"
    sp keys import --passphrase-file "$T/gpg.pw" "$d/g.sec" >"$d/import.out"
    grep -qi "^$gf .*secret" "$d/import.out" || fail "$algo: import said: $(cat "$d/import.out")"
    sp keys show "$gf" --json >"$d/show.json"
    grep -q '"has_secret": true' "$d/show.json" || fail "$algo: $gf has no secret key in Sealpost"
    grep -q '"can_encrypt": true' "$d/show.json" || fail "$algo: $gf cannot encrypt in Sealpost"
    pass "$algo: gpg-generated secret key imports into Sealpost with --passphrase-file ($gf)"

    # --- 2. encrypted + signed, both ways ------------------------------------------------
    sp encrypt -r "$gf" --sign-as "$spf" "${arm[@]}" -o "$d/sp.enc" "$T/plain.bin"
    gq --status-file "$d/st" --passphrase-file "$T/gpg.pw" -o "$d/out" -d "$d/sp.enc"
    cmp "$d/out" "$T/plain.bin" || fail "$algo: gpg decrypted different bytes"
    grep -q '^\[GNUPG:\] DECRYPTION_OKAY' "$d/st" || fail "$algo: no DECRYPTION_OKAY"
    gpg_good "$d/st" "$spf" || fail "$algo: gpg saw no good signature by $spf: $(cat "$d/st")"
    pass "$algo: Sealpost encrypt+sign -> gpg decrypts, signature good, bytes identical"

    sp encrypt -r "$spf" -o "$d/sp-self.enc" "$T/plain.bin"
    expect_fail "$algo: gpg decrypting with the exported key and a wrong passphrase" \
        gq --passphrase-file "$T/wrong.pw" -o "$d/out2" -d "$d/sp-self.enc"
    gq --passphrase-file "$T/sp.pw" -o "$d/out2" -d "$d/sp-self.enc"
    cmp "$d/out2" "$T/plain.bin" || fail "$algo: gpg (Sealpost's secret key) decrypted different bytes"
    pass "$algo: gpg decrypts with the secret key exported from Sealpost"

    gq --passphrase-file "$T/gpg.pw" -u "$gf" -s -e -r "$spf" -o "$d/g.enc" "$T/plain.bin"
    sp decrypt -o "$d/out3" "$d/g.enc" 2>"$d/err"
    cmp "$d/out3" "$T/plain.bin" || fail "$algo: Sealpost decrypted different bytes"
    sp_good "$d/err" "$gf" || fail "$algo: Sealpost did not report a good signature: $(cat "$d/err")"
    pass "$algo: gpg encrypt+sign -> Sealpost decrypts, signature: good from $gf"

    gq -e -r "$gf" -o "$d/g-self.enc" "$T/plain.bin"
    sp decrypt -o "$d/out4" "$d/g-self.enc"
    cmp "$d/out4" "$T/plain.bin" || fail "$algo: Sealpost (gpg's secret key) decrypted different bytes"
    pass "$algo: Sealpost decrypts with the secret key imported from gpg"

    # --- 2. detached signatures ------------------------------------------------------------
    sp sign --as "$spf" --detached "${arm[@]}" -o "$d/sp.sig" "$T/plain.bin"
    gq --status-file "$d/st" --verify "$d/sp.sig" "$T/plain.bin"
    gpg_good "$d/st" "$spf" || fail "$algo: gpg: $(cat "$d/st")"
    pass "$algo: Sealpost detached signature verifies in gpg"
    expect_fail "$algo: gpg verifying that signature over altered data" \
        gq --verify "$d/sp.sig" "$T/plain.bin.bad"

    gq --passphrase-file "$T/gpg.pw" -u "$gf" --detach-sign -o "$d/g.sig" "$T/plain.bin"
    sp verify --signature "$d/g.sig" "$T/plain.bin" >/dev/null 2>"$d/err"
    sp_good "$d/err" "$gf" || fail "$algo: Sealpost: $(cat "$d/err")"
    pass "$algo: gpg detached signature verifies in Sealpost"
    expect_fail "$algo: Sealpost verifying that signature over altered data" \
        sp verify --signature "$d/g.sig" "$T/plain.bin.bad"

    # --- 2. cleartext signatures -----------------------------------------------------------
    sp sign --as "$spf" --clear -o "$d/sp.clr" "$T/plain.txt"
    grep -q '^-----BEGIN PGP SIGNED MESSAGE-----' "$d/sp.clr" || fail "$algo: not a cleartext signature"
    gq --status-file "$d/st" -o "$d/out5" -d "$d/sp.clr"
    gpg_good "$d/st" "$spf" || fail "$algo: gpg: $(cat "$d/st")"
    # The text (LF endings, final newline) comes back byte for byte.
    cmp -s "$d/out5" "$T/plain.txt" ||
        fail "$algo: gpg extracted other bytes than the signed text: $(od -c "$d/out5" | tail -3)"
    pass "$algo: Sealpost cleartext signature verifies in gpg, exact bytes"

    gq --passphrase-file "$T/gpg.pw" -u "$gf" --clearsign -o "$d/g.clr" "$T/plain.txt"
    sp verify -o "$d/out6" "$d/g.clr" 2>"$d/err"
    sp_good "$d/err" "$gf" || fail "$algo: Sealpost: $(cat "$d/err")"
    cmp "$d/out6" "$T/plain.txt" || fail "$algo: Sealpost extracted other text"
    pass "$algo: gpg cleartext signature verifies in Sealpost, text identical"
    sed 's/^Zeile zwei/Zeile drei/' "$d/g.clr" >"$d/g-bad.clr"
    expect_fail "$algo: Sealpost verifying an altered cleartext message" sp verify "$d/g-bad.clr"
done

# --- 3. sealpost backup -> an empty GnuPG home ---------------------------------------------
sp backup >"$T/backup.out"
pub=("$T"/data/backups/Keyring.public.*.bak) sec=("$T"/data/backups/Keyring.private.*.bak)
db=("$T"/data/backups/keystore.*.db)
[[ ${#pub[@]} == 1 && -s ${pub[0]} && ${#sec[@]} == 1 && -s ${sec[0]} && -s ${db[0]} ]] ||
    fail "backup wrote: $(ls "$T/data/backups")"
grep -q -- '-----BEGIN PGP PRIVATE KEY BLOCK-----' "${sec[0]}" || fail "private backup is not armored"
pass "sealpost backup writes public, private and database files"
# Every backup file, the database copy (which holds the secret keys too) included, is 0600.
modes=$(stat -c %a "${pub[0]}" "${sec[0]}" "${db[0]}" | tr '\n' ' ')
[[ $modes == "600 600 600 " ]] || fail "backup files are not private (0600): modes are $modes(public private db)"
pass "backup files are private (0600)"
sp keys list | grep -Eo '^[0-9A-F]{40}' | sort >"$T/sp-fprs"
[[ $(wc -l <"$T/sp-fprs") == 4 ]] || fail "expected 4 keys in Sealpost: $(cat "$T/sp-fprs")"

gpgconf --kill all
export GNUPGHOME="$T/gnupg-restore"
mkdir -m 700 "$GNUPGHOME"
printf 'default-cache-ttl 0\nmax-cache-ttl 0\n' >"$GNUPGHOME/gpg-agent.conf"
gq --import "${pub[0]}"
gl --list-keys | awk -F: '$1 == "pub" { p = 1; next } p && $1 == "fpr" { print $10; p = 0 }' |
    sort >"$T/gpg-pub"
cmp "$T/gpg-pub" "$T/sp-fprs" || fail "public backup in gpg: $(cat "$T/gpg-pub")"
pass "public backup imports into an empty GnuPG home, all 4 keys"

gq --passphrase-file "$T/data/passphrase" --import "${sec[0]}"
gl --list-secret-keys | awk -F: '$1 == "sec" { p = 1; next } p && $1 == "fpr" { print $10; p = 0 }' |
    sort >"$T/gpg-sec"
cmp "$T/gpg-sec" "$T/sp-fprs" || fail "private backup in gpg: $(cat "$T/gpg-sec")"
pass "private backup imports into an empty GnuPG home with the master passphrase, all 4 keys"

while read -r fpr; do
    sp encrypt -r "$fpr" -o "$T/b.enc" "$T/plain.bin"
    expect_fail "gpg decrypting with restored key $fpr and a wrong passphrase" \
        gq --passphrase-file "$T/wrong.pw" -o "$T/b.out" -d "$T/b.enc"
    gq --passphrase-file "$T/data/passphrase" -o "$T/b.out" -d "$T/b.enc"
    cmp "$T/b.out" "$T/plain.bin" || fail "restored key $fpr decrypted different bytes"
    pass "gpg decrypts with restored secret key $fpr (master passphrase)"
done <"$T/sp-fprs"

# GnuPG's own keyring file (pubring.kbx, the keybox format) imports as it is.
sp init "$T/kbx-data" >/dev/null
"$SEALPOST" --log-level warn --data-dir "$T/kbx-data" keys import "$GNUPGHOME/pubring.kbx" >"$T/kbx.out"
gl --list-keys | awk -F: '$1 == "pub" { p = 1; next } p && $1 == "fpr" { print $10; p = 0 }' |
    sort >"$T/kbx-want"
"$SEALPOST" --data-dir "$T/kbx-data" keys list --json |
    python3 -c 'import json,sys; print("\n".join(sorted(k["fingerprint"] for k in json.load(sys.stdin))))' \
    >"$T/kbx-got"
cmp "$T/kbx-want" "$T/kbx-got" || fail "pubring.kbx import: $(cat "$T/kbx.out")"
pass "GnuPG's pubring.kbx imports whole: $(wc -l <"$T/kbx-got") keys"
echo "1..$checks"
