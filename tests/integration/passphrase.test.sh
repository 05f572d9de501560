#!/usr/bin/env bash
# `sealpost passphrase change` re-protects every secret key: afterwards Sealpost still
# decrypts, and each key exported with `keys export --secret` opens in GnuPG with the new
# passphrase (the one in D/passphrase) and no longer with the old one. Kill safety: with
# SEALPOST_FAULT=passphrase-before-reprotect|passphrase-before-commit|passphrase-after-commit
# the change dies (exit 137) at that point; the next command must leave every key readable
# with whatever passphrase is then in D/passphrase (the old one before the commit, the new one
# after), decrypt earlier messages, and remove D/passphrase.new.
source "$(dirname "$0")/lib.sh"
command -v gpg >/dev/null || fail "gpg is not installed"

D="$T/data"
sp init "$D" --domain example.org >/dev/null
sp keys generate --user alice@example.org --name Alice >/dev/null
sp keys generate --user bob@example.org --name Bob --algo rsa2048 >/dev/null
sp keys domain-key generate example.org >/dev/null
mapfile -t fprs < <(sp keys list | awk '$3 == "sec" { print $1 }')
((${#fprs[@]} == 3)) || fail "expected 3 secret keys, have ${#fprs[@]}: $(sp keys list)"
# A message per key, encrypted before any change.
for f in "${fprs[@]}"; do
    printf 'for %s only\n' "$f" >"$T/plain.$f"
    sp encrypt -r "$f" --out "$T/msg.$f" "$T/plain.$f"
done
pass "setup: ${#fprs[@]} secret keys, one message encrypted to each"

# gpg_reads KEYFILE PASSFILE FPR: a fresh GnuPG home (no passphrase cache) imports the
# exported secret key and, with the passphrase in PASSFILE, decrypts the message to FPR.
homes=0
gpg_reads() {
    local home="$T/gnupg.$((homes += 1))" rc=0
    mkdir -m 700 "$home"
    printf 'default-cache-ttl 0\nmax-cache-ttl 0\n' >"$home/gpg-agent.conf"
    GNUPGHOME="$home" gpg_batch --import "$1" 2>"$T/gpg.err" &&
        GNUPGHOME="$home" gpg_batch --passphrase-file "$2" --decrypt "$T/msg.$3" >"$T/gpg.out" 2>>"$T/gpg.err" &&
        cmp -s "$T/gpg.out" "$T/plain.$3" || rc=1
    GNUPGHOME="$home" gpgconf --kill all >/dev/null 2>&1 || true
    rm -rf "$home"
    return $rc
}

# keys_readable LABEL [OLDPASSFILE]: Sealpost decrypts every message; every secret key,
# exported, opens in gpg with the passphrase in D/passphrase, and not with OLDPASSFILE.
keys_readable() {
    local label=$1 old=${2:-} f
    cp "$D/passphrase" "$T/current.pw"
    for f in "${fprs[@]}"; do
        sp decrypt "$T/msg.$f" >"$T/dec" 2>"$T/err" || fail "$label: sealpost cannot decrypt to $f: $(cat "$T/err")"
        cmp -s "$T/dec" "$T/plain.$f" || fail "$label: sealpost decrypted the message to $f wrongly"
        sp keys export --secret "$f" --out "$T/key.sec" >/dev/null
        gpg_reads "$T/key.sec" "$T/current.pw" "$f" || fail "$label: key $f does not open in gpg with D/passphrase: $(cat "$T/gpg.err")"
        if [[ -n $old ]] && gpg_reads "$T/key.sec" "$old" "$f"; then
            fail "$label: key $f still opens with the old passphrase"
        fi
    done
    pass "$label: all ${#fprs[@]} keys decrypt in sealpost and open in gpg with D/passphrase${old:+, not with $(basename "$old")}"
}

no_pending() { [[ ! -e "$D/passphrase.new" ]] || fail "$1: $D/passphrase.new is left over"; }
mode_of() { stat -c %a "$1"; }

keys_readable "before any change"

# --- an ordinary change -------------------------------------------------------------------
cp "$D/passphrase" "$T/old.pw"
sp passphrase change >"$T/out" || fail "passphrase change failed"
grep -q "^re-protected 3 secret keys" "$T/out" || fail "passphrase change said: $(cat "$T/out")"
pass "passphrase change: $(cat "$T/out")"
cmp -s "$D/passphrase" "$T/old.pw" && fail "D/passphrase did not change"
[[ $(mode_of "$D/passphrase") == 600 ]] || fail "D/passphrase has mode $(mode_of "$D/passphrase")"
no_pending "after a change"
pass "D/passphrase replaced (mode 600), no passphrase.new"
keys_readable "after a random new passphrase" "$T/old.pw"

cp "$D/passphrase" "$T/old.pw"
printf 'a chosen master passphrase\n' >"$T/chosen.pw"
sp passphrase change --new-passphrase-file "$T/chosen.pw" >/dev/null
[[ $(cat "$D/passphrase") == "a chosen master passphrase" ]] || fail "D/passphrase is not the chosen one"
pass "--new-passphrase-file: D/passphrase holds the chosen passphrase"
keys_readable "after a chosen new passphrase" "$T/old.pw"

printf 'short\n' >"$T/short.pw"
expect_fail "a new passphrase of 5 characters" sp passphrase change --new-passphrase-file "$T/short.pw"
[[ $(wc -l <"$T/err") == 1 ]] || fail "short passphrase: $(wc -l <"$T/err") lines on stderr"
cmp -s "$D/passphrase" "$T/chosen.pw" || fail "a refused change altered D/passphrase"
no_pending "after a refused change"
keys_readable "after a refused change"

# --- kill safety --------------------------------------------------------------------------
for point in before-reprotect before-commit after-commit; do
    cp "$D/passphrase" "$T/before.pw"
    printf 'new passphrase after the %s fault\n' "$point" >"$T/next.pw"
    rc=0
    SEALPOST_FAULT="passphrase-$point" sp passphrase change --new-passphrase-file "$T/next.pw" \
        >"$T/out" 2>"$T/err" || rc=$?
    ((rc == 137)) || fail "$point: exit $rc, not 137: the fault point was not reached ($(cat "$T/err"))"
    cmp -s "$D/passphrase" "$T/before.pw" || fail "$point: D/passphrase changed before the rename"
    if [[ $point == before-reprotect ]]; then
        [[ ! -e "$D/passphrase.new" ]] || fail "$point: passphrase.new written too early"
    else
        cmp -s "$D/passphrase.new" "$T/next.pw" || fail "$point: passphrase.new does not hold the new passphrase"
    fi
    pass "$point: killed with exit 137, passphrase.new $([[ -e "$D/passphrase.new" ]] && echo present || echo absent)"

    # The next command: an ordinary decrypt.
    f=${fprs[0]}
    sp decrypt "$T/msg.$f" >"$T/dec" 2>"$T/err" || fail "$point: the next decrypt fails: $(cat "$T/err")"
    cmp -s "$T/dec" "$T/plain.$f" || fail "$point: the next decrypt gives the wrong text"
    no_pending "$point: after the next command"
    if [[ $point == after-commit ]]; then
        cmp -s "$D/passphrase" "$T/next.pw" || fail "$point: the committed change was not completed"
        pass "$point: next command decrypted, completed the change (D/passphrase = new), no passphrase.new"
        keys_readable "$point" "$T/before.pw"
    else
        cmp -s "$D/passphrase" "$T/before.pw" || fail "$point: D/passphrase is not the old one"
        pass "$point: next command decrypted, abandoned the change (D/passphrase = old), no passphrase.new"
        keys_readable "$point" "$T/next.pw"
    fi
done

# After the interrupted changes, an ordinary change still works.
cp "$D/passphrase" "$T/old.pw"
sp passphrase change >/dev/null || fail "passphrase change after the faults failed"
no_pending "final change"
keys_readable "final change after the faults" "$T/old.pw"
echo "# $checks checks"
