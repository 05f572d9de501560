#!/usr/bin/env bash
# `sealpost domains ...` and `sealpost users ...`: the directory of local domains, accounts and
# groups. Each change succeeds with exit 0 and logs one key=value line; each refusal exits with
# its sysexits code (65 bad input, 66 not found, 73 conflict, 64 usage) and one line on
# standard error, and changes nothing. Passwords come from a file or standard input, never the
# command line, and only an Argon2id hash of them reaches keystore.db.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || fail "sqlite3 is not installed"

D="$T/data"
db() { sqlite3 "$D/keystore.db" "$@"; }
# refused CODE WHAT CMD...: CMD exits with CODE and prints exactly one line, the error, on
# stderr (usage errors, 64, may add CLI11's "Run with --help" hint).
refused() {
    local code=$1 what=$2 rc=0
    shift 2
    "$@" >"$T/out" 2>"$T/err" || rc=$?
    ((rc == code)) || fail "$what: exit $rc, wanted $code; stderr: $(cat "$T/err")"
    if ((code == 64)); then sed -i '/^Run with --help for more information\.$/d' "$T/err"; fi
    [[ $(wc -l <"$T/err") -eq 1 ]] || fail "$what: wanted one line on stderr, got: $(cat "$T/err")"
    pass "$what: exit $code, $(cat "$T/err")"
}
# same_as FILE WHAT CMD...: CMD prints exactly what FILE holds.
same_as() {
    local want=$1 what=$2
    shift 2
    "$@" >"$T/got" || fail "$what: exit $?"
    diff -u "$want" "$T/got" >&2 || fail "$what: unexpected output"
    pass "$what"
}
state() { db "SELECT * FROM local_domains; SELECT address, display_name, password_hash \
    FROM accounts; SELECT * FROM group_members ORDER BY 1, 2;"; }

refused 66 "no keystore yet" sp users list
grep -q "sealpost init" "$T/err" || fail "the error does not say how to create a keystore"
sp init "$D" --domain example.org >/dev/null

# --- domains -----------------------------------------------------------------------------
"$SEALPOST" --data-dir "$D" domains add Example.NET 2>"$T/log" >/dev/null
[[ $(wc -l <"$T/log") -eq 1 ]] || fail "domains add logged $(wc -l <"$T/log") lines"
grep -Eq '^[^ ]+ info directory domain-added domain=example\.net$' "$T/log" ||
    fail "unexpected log line: $(cat "$T/log")"
pass "domains add logs one line: $(cut -d' ' -f2- "$T/log")"
printf 'example.net\nexample.org\n' >"$T/want"
same_as "$T/want" "domains list: normalised, sorted, with init's domain" sp domains list
refused 73 "adding a domain twice" sp domains add EXAMPLE.net
refused 65 "a malformed domain" sp domains add "exa mple.org"
refused 65 "an address as a domain" sp domains add alice@example.org
refused 66 "removing a domain that is not local" sp domains remove example.com
refused 64 "domains without a subcommand" sp domains

# --- accounts ----------------------------------------------------------------------------
printf 'first secret\nsecond line is ignored\n' >"$T/alice.pw"
sp users add Alice@Example.ORG --name "Alice Liddell" --password-file "$T/alice.pw"
printf 'bob secret\n' | sp users add bob@example.org --password-file -
sp users add carol@example.net
pass "users add: from a password file, from standard input, without a password"
refused 65 "an account outside the local domains" sp users add dave@elsewhere.test
grep -q "elsewhere.test is not a local domain" "$T/err" || fail "the error does not say why"
refused 73 "a duplicate account" sp users add ALICE@example.org
refused 65 "a malformed address" sp users add "not an address"
refused 64 "a password on the command line" sp users add erin@example.org --password s3cret
: >"$T/empty.pw"
refused 65 "an empty password" sp users add erin@example.org --password-file "$T/empty.pw"
refused 66 "a missing password file" sp users add erin@example.org --password-file "$T/nope"
[[ -z $(db "SELECT address FROM accounts WHERE address LIKE 'erin%' OR address LIKE 'dave%'") ]] ||
    fail "a refused account was stored"
pass "refused accounts were not stored"

cat >"$T/want" <<'LIST'
alice@example.org  password  DATE  Alice Liddell
bob@example.org  password  DATE
carol@example.net  -  DATE
3 accounts
LIST
sed -i "s/DATE/$(date -u +%Y-%m-%d)/" "$T/want"
same_as "$T/want" "users list" sp users list
sp users list --json >"$T/json"
[[ $(jq -r '[.[] | "\(.address)=\(.has_password)"] | join(" ")' "$T/json") == \
    "alice@example.org=true bob@example.org=true carol@example.net=false" ]] ||
    fail "users list --json: $(cat "$T/json")"
[[ $(jq -r '.[0].display_name' "$T/json") == "Alice Liddell" ]] || fail "display name lost"
pass "users list --json"

for secret in "first secret" "second line" "bob secret"; do
    if grep -aqF "$secret" "$D"/keystore.db*; then fail "'$secret' is in the database files"; fi
done
hashes=$(db "SELECT count(*) FROM accounts WHERE password_hash LIKE '\$argon2id\$%'")
((hashes == 2)) || fail "expected 2 Argon2id hashes, have $hashes"
pass "only Argon2id hashes of the passwords are stored"

# --- passwords ---------------------------------------------------------------------------
before=$(db "SELECT password_hash FROM accounts WHERE address = 'carol@example.net'")
printf 'carol secret\n' >"$T/carol.pw"
sp users passwd CAROL@example.net --password-file "$T/carol.pw"
after=$(db "SELECT password_hash FROM accounts WHERE address = 'carol@example.net'")
[[ -z $before && $after == '$argon2id$'* ]] || fail "passwd did not store a hash: '$after'"
pass "users passwd sets a password"
refused 64 "passwd without --password-file" sp users passwd carol@example.net
refused 66 "passwd for an unknown account" \
    sp users passwd nobody@example.org --password-file "$T/carol.pw"

# --- groups ------------------------------------------------------------------------------
sp users group add Signers alice@example.org
sp users group add signers bob@example.org
sp users group add board carol@example.net
printf 'board  1 member\nsigners  2 members\n' >"$T/want"
same_as "$T/want" "users group list" sp users group list
printf 'alice@example.org\nbob@example.org\n' >"$T/want"
same_as "$T/want" "users group list GROUP (any case)" sp users group list SIGNERS
refused 66 "listing a group that does not exist" sp users group list nosuch
refused 66 "a member that is not an account" sp users group add signers dave@example.org
refused 73 "a member added twice" sp users group add signers ALICE@example.org
refused 65 "a group name rules.txt cannot name" sp users group add "sign*" alice@example.org
sp users group remove signers bob@example.org
refused 66 "removing a member that is not in the group" \
    sp users group remove signers bob@example.org
printf 'alice@example.org\n' >"$T/want"
same_as "$T/want" "users group remove" sp users group list signers

# --- removal -----------------------------------------------------------------------------
refused 73 "removing a domain that has accounts" sp domains remove example.net
grep -q "example.net still has 1 account" "$T/err" || fail "the error does not say why"
sp users remove carol@example.net
refused 66 "removing an account twice" sp users remove carol@example.net
printf 'signers  1 member\n' >"$T/want"
same_as "$T/want" "an account's group memberships go with it" sp users group list
sp domains remove example.net
printf 'example.org\n' >"$T/want"
same_as "$T/want" "a domain without accounts is removed" sp domains list

# --- refusals change nothing -------------------------------------------------------------
state >"$T/before"
refused 73 "one more duplicate" sp users add alice@example.org --password-file "$T/carol.pw"
refused 65 "one more foreign account" sp users add x@example.net --password-file "$T/carol.pw"
refused 73 "one more domain with accounts" sp domains remove example.org
state >"$T/after"
diff -u "$T/before" "$T/after" >&2 || fail "a refused command changed the directory"
pass "refused commands left the directory as it was"

echo "1..$checks"
