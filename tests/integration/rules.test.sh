#!/usr/bin/env bash
# sealpost rules check reports syntax errors with line and column; rules explain prints the
# effective permission of an address and the rule that decided it.
source "$(dirname "$0")/lib.sh"

sp init "$T/data" --domain example.org >/dev/null
sp rules check >"$T/out" || fail "the rules.txt written by init does not check: $(cat "$T/out")"
pass "the rules.txt written by init has no errors"

printf '+*@example.org\n# comment\n  -frank@example.org @bad\n^GROUP:\n' >"$T/bad.txt"
expect_fail "rules check of a file with two errors" sp rules check "$T/bad.txt"
grep -q "bad.txt:3:22: unknown tag '@'" "$T/err" || fail "line/column of the bad tag: $(cat "$T/err")"
grep -q 'bad.txt:4:2: empty group name' "$T/err" || fail "the empty group entry on line 4: $(cat "$T/err")"
grep -q '2 syntax error' "$T/err" || fail "no count of errors: $(cat "$T/err")"
pass "each error is reported with its line and column, then a count"

printf '+*@example.org\n-frank@example.org ^GROUP:signers\n' >"$T/data/rules.txt"
sp users add frank@example.org >/dev/null
sp users group add signers frank@example.org >/dev/null
sp rules explain Frank@Example.org >"$T/explain"
grep -Eq '^encrypt +denied +line 2 column 1: -frank@example.org' "$T/explain" ||
    fail "exact address should beat the wildcard: $(cat "$T/explain")"
grep -Eq '^sign +allowed +line 2 column 20: \^GROUP:signers' "$T/explain" ||
    fail "group membership should allow signing: $(cat "$T/explain")"
pass "explain: the exact address wins over the wildcard, the group grants signing"
sp rules explain alice@example.org >"$T/explain"
grep -Eq '^encrypt +allowed +line 1 column 1: \+\*@example.org' "$T/explain" ||
    fail "wildcard should allow alice: $(cat "$T/explain")"
pass "explain: a wildcard entry decides for another user of the domain"
echo "1..$checks"
