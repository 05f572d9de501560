#!/usr/bin/env bash
# Interoperability with two Stateless OpenPGP implementations: sqop (Sequoia; generate-key
# gives Ed25519/Cv25519) and gosop (GopenPGP, an older SOP draft; generate-key gives
# RSA-2048), against Sealpost's own Ed25519/Cv25519 and RSA-2048 keys. SOP secret keys are
# unprotected and must import into Sealpost without a passphrase file.
source "$(dirname "$0")/lib.sh"
for tool in sqop gosop; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done

sp init "$T/data" --domain example.org >/dev/null
printf 'sealpost-export-pass\n' >"$T/sp.pw"
head -c 5000 /dev/urandom >"$T/plain.bin"
printf 'First line\nZeile zwei: Grüße\n\nlast line\n' >"$T/plain.txt"
printf 'x' | cat - "$T/plain.bin" >"$T/plain.bin.bad"
# gosop 0.0.0 returns decrypted data as a UTF-8 string (invalid bytes become U+FFFD, even for
# its own messages), so what gosop decrypts is text; everything else uses binary data.

sp_good() { grep -Eq "^signature: good from $2 " "$1" && ! grep -Eq '^signature: (bad|unknown)' "$1"; }
# sop_good FILE FPR: a SOP verification line "DATE SIGNING-FPR PRIMARY-FPR ..." for FPR.
sop_good() { grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z [0-9A-F]{40} $2( |\$)" "$1"; }
sp_fpr() { sp keys list --filter "$1" | grep -Eo '^[0-9A-F]{40}' | head -n 1; }

# --- Sealpost keys, exported for the SOP tools -----------------------------------------------
declare -A fpr
for k in alice:ed25519 bob:rsa2048; do
    name=${k%%:*} algo=${k#*:}
    sp keys generate --user "$name@example.org" --algo "$algo" >/dev/null
    fpr[$name]=$(sp_fpr "$name@example.org")
    sp keys export "$name@example.org" --out "$T/$name.cert" >/dev/null
    sp keys export "$name@example.org" --secret --passphrase-file "$T/sp.pw" --out "$T/$name.key" >/dev/null
done

# --- 1. SOP-generated keys import into Sealpost, without a passphrase file -------------------
sqop generate-key 'Sq Peer <sq@peer.test>' >"$T/sq.key"
sqop extract-cert <"$T/sq.key" >"$T/sq.cert"
gosop generate-key 'Go Peer <go@peer.test>' >"$T/go.key"
gosop extract-cert <"$T/go.key" >"$T/go.cert"
for k in sq:sqop:EDDSA:255 go:gosop:RSA:2048; do
    IFS=: read -r name tool alg bits <<<"$k"
    sp keys import "$T/$name.key" >"$T/import.out" 2>"$T/import.err" ||
        fail "$tool: Sealpost refuses the unprotected secret key: $(cat "$T/import.err")"
    fpr[$name]=$(sp_fpr "$name@peer.test")
    grep -qi "^${fpr[$name]} .*secret" "$T/import.out" || fail "$tool import said: $(cat "$T/import.out")"
    sp keys show "${fpr[$name]}" --json >"$T/show.json"
    grep -q '"has_secret": true' "$T/show.json" || fail "$tool key has no secret in Sealpost"
    if ! grep -q "\"algorithm\": \"$alg\"" "$T/show.json" || ! grep -q "\"bits\": $bits," "$T/show.json"; then
        fail "$tool key is not $alg/$bits: $(grep -E 'algorithm|bits' "$T/show.json")"
    fi
    pass "$tool-generated $alg/$bits secret key imports into Sealpost without a passphrase file"

    # The imported secret key works in Sealpost: it decrypts and it signs.
    "$tool" encrypt "$T/$name.cert" <"$T/plain.bin" >"$T/to-imported.enc"
    sp decrypt -o "$T/out" "$T/to-imported.enc"
    cmp "$T/out" "$T/plain.bin" || fail "$tool: Sealpost decrypted different bytes with the imported key"
    sp sign --as "${fpr[$name]}" --detached -o "$T/imported.sig" "$T/plain.bin"
    "$tool" verify "$T/imported.sig" "$T/$name.cert" <"$T/plain.bin" >"$T/verified"
    sop_good "$T/verified" "${fpr[$name]}" || fail "$tool verify: $(cat "$T/verified")"
    pass "Sealpost decrypts and signs with the imported $tool key"
done

# --- 1. Sealpost secret keys work in sqop (protected with --passphrase-file) ----------------
for name in alice bob; do
    sp encrypt -r "${fpr[$name]}" -o "$T/to-sp.enc" "$T/plain.bin"
    sqop decrypt --with-key-password "$T/sp.pw" "$T/$name.key" <"$T/to-sp.enc" >"$T/out"
    cmp "$T/out" "$T/plain.bin" || fail "sqop decrypted different bytes with $name's key"
    sqop sign --with-key-password "$T/sp.pw" "$T/$name.key" <"$T/plain.bin" >"$T/sq-sp.sig"
    sp verify --signature "$T/sq-sp.sig" "$T/plain.bin" 2>"$T/err"
    sp_good "$T/err" "${fpr[$name]}" || fail "Sealpost: $(cat "$T/err")"
    pass "sqop decrypts and signs with Sealpost's exported secret key $name (${fpr[$name]})"
done

# --- 2. each SOP tool x each Sealpost key ------------------------------------------------------
for peer in sq:sqop go:gosop; do
    name=${peer%%:*} tool=${peer#*:}
    if [[ $tool == sqop ]]; then data=$T/plain.bin vflags=(--verifications-out "$T/v"); else
        data=$T/plain.txt vflags=(--verify-out="$T/v"); fi
    for spk in alice bob; do
        spf=${fpr[$spk]} what="$tool <-> Sealpost $spk"
        rm -f "$T/v"
        sp encrypt -r "${fpr[$name]}" --sign-as "$spf" -o "$T/sp.enc" "$data"
        if [[ $tool == sqop ]]; then
            sqop decrypt "${vflags[@]}" --verify-with "$T/$spk.cert" "$T/$name.key" <"$T/sp.enc" >"$T/out" ||
                fail "$what: $tool decrypt failed"
        else
            gosop decrypt "${vflags[@]}" --verify-with="$T/$spk.cert" "$T/$name.key" <"$T/sp.enc" >"$T/out" ||
                fail "$what: $tool decrypt failed"
        fi
        cmp "$T/out" "$data" || fail "$what: $tool decrypted different bytes"
        sop_good "$T/v" "$spf" || fail "$what: $tool verifications: $(cat "$T/v" 2>&1)"
        pass "$what: Sealpost encrypt+sign -> $tool decrypts, signature good, bytes identical"

        "$tool" encrypt --sign-with "$T/$name.key" "$T/$spk.cert" <"$T/plain.bin" >"$T/peer.enc"
        sp decrypt -o "$T/out" "$T/peer.enc" 2>"$T/err"
        cmp "$T/out" "$T/plain.bin" || fail "$what: Sealpost decrypted different bytes"
        sp_good "$T/err" "${fpr[$name]}" || fail "$what: Sealpost: $(cat "$T/err")"
        pass "$what: $tool encrypt+sign -> Sealpost decrypts, signature: good from ${fpr[$name]}"

        sp sign --as "$spf" --detached -o "$T/sp.sig" "$T/plain.bin"
        "$tool" verify "$T/sp.sig" "$T/$spk.cert" <"$T/plain.bin" >"$T/verified"
        sop_good "$T/verified" "$spf" || fail "$what: $tool verify: $(cat "$T/verified")"
        pass "$what: Sealpost detached signature verifies in $tool"
        expect_fail "$what: $tool verifying it over altered data" \
            "$tool" verify "$T/sp.sig" "$T/$spk.cert" <"$T/plain.bin.bad"
    done

    "$tool" sign "$T/$name.key" <"$T/plain.bin" >"$T/peer.sig"
    sp verify --signature "$T/peer.sig" "$T/plain.bin" 2>"$T/err"
    sp_good "$T/err" "${fpr[$name]}" || fail "$tool: Sealpost: $(cat "$T/err")"
    pass "$tool detached signature verifies in Sealpost"
    expect_fail "Sealpost verifying the $tool signature over altered data" \
        sp verify --signature "$T/peer.sig" "$T/plain.bin.bad"
done

# --- 2. sqop inline-sign (binary, text, cleartext) -> Sealpost; with sqop's Ed25519 key and
#        gosop's RSA-2048 key (sqop signs with either) ---------------------------------------
for name in sq go; do
    for as in binary text clearsigned; do
        if [[ $as == binary ]]; then data=$T/plain.bin; else data=$T/plain.txt; fi
        sqop inline-sign --as "$as" "$T/$name.key" <"$data" >"$T/inline.$as"
        sp verify -o "$T/out" "$T/inline.$as" 2>"$T/err"
        sp_good "$T/err" "${fpr[$name]}" || fail "inline $as: Sealpost: $(cat "$T/err")"
        cmp "$T/out" "$data" || fail "inline $as: Sealpost extracted different bytes"
        pass "sqop inline-sign --as $as ($name key) verifies in Sealpost, content identical"
    done
    sed 's/^Zeile zwei/Zeile drei/' "$T/inline.clearsigned" >"$T/inline.bad"
    expect_fail "Sealpost verifying an altered sqop cleartext message ($name key)" sp verify "$T/inline.bad"
done

# --- 2. Sealpost inline and cleartext signatures -> sqop inline-verify ------------------------
for spk in alice bob; do
    rm -f "$T/v"
    sp sign --as "${fpr[$spk]}" -o "$T/sp.inline" "$T/plain.bin"
    sqop inline-verify --verifications-out "$T/v" "$T/$spk.cert" <"$T/sp.inline" >"$T/out"
    cmp "$T/out" "$T/plain.bin" || fail "sqop inline-verify ($spk): different bytes"
    sop_good "$T/v" "${fpr[$spk]}" || fail "sqop inline-verify ($spk): $(cat "$T/v")"
    pass "Sealpost inline signature ($spk) verifies in sqop, content identical"

    rm -f "$T/v"
    sp sign --as "${fpr[$spk]}" --clear -o "$T/sp.clear" "$T/plain.txt"
    sqop inline-verify --verifications-out "$T/v" "$T/$spk.cert" <"$T/sp.clear" >"$T/out"
    sop_good "$T/v" "${fpr[$spk]}" || fail "sqop inline-verify of the cleartext ($spk): $(cat "$T/v")"
    # The text (LF endings, final newline) comes back byte for byte.
    cmp -s "$T/out" "$T/plain.txt" ||
        fail "sqop extracted other bytes than the signed text ($spk): $(od -c "$T/out" | tail -3)"
    pass "Sealpost cleartext signature ($spk) verifies in sqop, exact bytes"
    sp verify -o "$T/out" "$T/sp.clear" 2>"$T/err"
    sp_good "$T/err" "${fpr[$spk]}" || fail "Sealpost verifying its own cleartext ($spk): $(cat "$T/err")"
    cmp -s "$T/out" "$T/plain.txt" ||
        fail "Sealpost extracted other bytes than it signed ($spk): $(od -c "$T/out" | tail -3)"
    pass "Sealpost cleartext signature ($spk) verifies in Sealpost, exact bytes"
done
echo "1..$checks"
