#!/usr/bin/env bash
# Key discovery against real peers on loopback: NSD serving zones this test writes and signs
# with ldns (TESTBED.md §3), libunbound validating them, and a Python HTTP(S) key server.
# `sealpost keys discover ADDR` must import a good PKA1, WKD or DNSSEC-secure DANE key with its
# origin, and refuse, with a warning line and nothing imported, every hostile case: fingerprint
# mismatch, a key without the address, redirects (to another host, to file:), a file: URI, a
# 500 MB response (cut off at max_key_bytes within seconds), a slow server, a malformed TXT
# record, and DANE answers that are insecure or bogus. Nothing but 127.0.0.1 is contacted:
# unbound forwards every question to the test NSD, which refuses names outside its zones.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"
source "$(dirname "$0")/dns_lib.sh"
for tool in nsd ldns-keygen ldns-signzone python3 openssl gpg; do
    command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done

D="$T/data"
G() { gpg_batch --trust-model always "$@" 2>>"$T/gpg.log" || { cat "$T/gpg.log" >&2; return 1; }; }
fpr_of() { gpg --with-colons --fingerprint "$1" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}'; }
# make_key USER_ID NAME: a key pair in gpg; its binary public key in $T/www/keys/NAME.pgp
make_key() {
    G --passphrase '' --quick-gen-key "$1" ed25519 sign,cert never
    local fpr
    fpr=$(fpr_of "$1")
    G --passphrase '' --quick-add-key "$fpr" cv25519 encr never
    G --export --export-options export-minimal "$fpr" >"$T/www/keys/$2.pgp"
    echo "$fpr"
}
mkdir -p "$T/www/keys" "$T/dns/zones"

bob=$(make_key "Bob <bob@sealpost.test>" bob)
carol=$(make_key "Carol <carol@sealpost.test>" carol)
dave=$(make_key "Dave <dave@sealpost.test>" dave)
erin=$(make_key "Erin <erin@plain.test>" erin)
frank=$(make_key "Frank <frank@broken.test>" frank)
mallory=$(make_key "Mallory <mallory@evil.test>" mallory)
other=$(make_key "Other <other@elsewhere.test>" other)
wkd_hash() {  # z-base-32 of SHA-1 of the local part, computed apart from Sealpost's own code
    python3 -c 'import hashlib, sys
a = "ybndrfg8ejkmcpqxot1uwisza345h769"
n = int.from_bytes(hashlib.sha1(sys.argv[1].encode()).digest(), "big")
print("".join(a[(n >> (5 * i)) & 31] for i in reversed(range(32))))' "$1"
}
mkdir -p "$T/www/.well-known/openpgpkey/sealpost.test/hu"
cp "$T/www/keys/carol.pgp" "$T/www/.well-known/openpgpkey/sealpost.test/hu/$(wkd_hash carol)"
pass "made 7 keys with gpg; carol's at WKD hash $(wkd_hash carol)"

PORT_HTTP=$(free_port)
PORT_HTTPS=$(free_port)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=openpgpkey.sealpost.test" -keyout "$T/tls.key" -out "$T/tls.crt" \
    -addext "subjectAltName=DNS:openpgpkey.sealpost.test,DNS:sealpost.test" 2>/dev/null
python3 "$(dirname "$0")/../support/discovery_server.py" "$T/www" "$PORT_HTTP" "$PORT_HTTPS" \
    "$T/tls.crt" "$T/tls.key" 2>"$T/server.log" &
server_pid=$!
trap 'kill ${nsd_pid:-} $server_pid 2>/dev/null || true; cleanup' EXIT

# --- DNS: three zones; sealpost.test and broken.test signed, plain.test not ---
u="http://keys.sealpost.test:$PORT_HTTP"
pka() { echo "$1._pka IN TXT \"v=pka1;fpr=$2;uri=$3\""; }
dane_name() { printf %s "$1" | sha256sum | cut -c1-56; }
dane() { echo "$(dane_name "$1")._openpgpkey IN OPENPGPKEY $(base64 -w0 "$T/www/keys/$1.pgp")"; }
{
    zone_head sealpost.test
    echo "keys IN A 127.0.0.1"
    echo "elsewhere IN A 127.0.0.1"
    echo "openpgpkey IN A 127.0.0.1"
    echo "bob._pka 7200 IN TXT \"v=pka1;fpr=$bob;uri=$u/keys/bob.pgp\""
    pka mismatch "$bob" "$u/keys/mallory.pgp"
    pka nouid "$other" "$u/keys/other.pgp"
    pka redirect "$bob" "$u/redirect-host"
    pka fileredir "$bob" "$u/redirect-file"
    pka fileuri "$bob" "file:///etc/passwd"
    pka big "$bob" "$u/big"
    pka slow "$bob" "$u/slow"
    echo "malformed._pka IN TXT \"v=pka1;fpr=NOT-A-FINGERPRINT;uri=$u/keys/bob.pgp\""
    dane dave
} >"$T/dns/zones/sealpost.test.zone"
{ zone_head plain.test; dane erin; } >"$T/dns/zones/plain.test.zone"
{ zone_head broken.test; dane frank; } >"$T/dns/zones/broken.test.zone"
sign_zone "$T/dns" sealpost.test >"$T/dns/anchor.ds"
sign_zone "$T/dns" broken.test >/dev/null
# broken.test's anchor is the DS of a key that did not sign it: its answers are bogus.
(cd "$T/dns" && cat "$(ldns-keygen -k -a ECDSAP256SHA256 broken.test).ds" >>anchor.ds)
cp "$T/dns/zones/plain.test.zone" "$T/dns/zones/plain.test.zone.signed"
start_nsd "$T/dns" sealpost.test plain.test broken.test
PORT_DNS=$nsd_port
wait_port "$PORT_HTTP"
wait_port "$PORT_HTTPS"
unbound_test_conf "$T/unbound.conf"
pass "NSD on 127.0.0.1:$PORT_DNS, key server on :$PORT_HTTP (http) and :$PORT_HTTPS (https)"

# --- Sealpost ---
sp init "$D" --domain example.org >/dev/null
cat >"$D/sealpost.toml" <<TOML
[discovery]
pka_cache_hours = 1
resolver = "127.0.0.1:$PORT_DNS"
trust_anchor = "$T/dns/anchor.ds"
ca_file = "$T/tls.crt"
https_port = $PORT_HTTPS
lookup_timeout_ms = 3000
max_wait_ms = 10000
max_key_bytes = 65536
TOML
# discover ADDR: runs the lookup with the info log in $T/log; exit code in $rc, output in $T/out.
discover() {
    rc=0
    "$SEALPOST" --log-level debug --data-dir "$D" keys discover --dns-config "$T/unbound.conf" \
        "$1" >"$T/out" 2>"$T/log" || rc=$?
}
found() {  # found ADDR FPR SOURCE
    discover "$1"
    ((rc == 0)) || fail "$1: exit $rc; $(cat "$T/out" "$T/log")"
    grep -q "^found  $2\$" "$T/out" || fail "$1: wanted found $2; got $(cat "$T/out")"
    grep -q "key-found.*source=$3.*address=$1.*fpr=$2" "$T/log" ||
        fail "$1: no key-found line: $(cat "$T/log")"
    sp keys fetched | grep -q "^$2  $1  $3  until " ||
        fail "$1: not listed by keys fetched: $(sp keys fetched)"
    pass "$1: $3 key $2 imported and listed by keys fetched"
}
refused() {  # refused ADDR SOURCE REASON-PATTERN: nothing imported, a warning names the reason
    local before start elapsed
    before=$(sp keys list | tail -n 1)
    start=$(date +%s%N)
    discover "$1"
    elapsed=$((($(date +%s%N) - start) / 1000000))
    ((rc != 0)) || fail "$1: succeeded but should be refused: $(cat "$T/out")"
    grep -Eq "(key-refused|lookup-failed) .*source=$2 address=$1 reason=.*$3" "$T/log" ||
        fail "$1: no warning matching '$3': $(cat "$T/log")"
    [[ $(sp keys list | tail -n 1) == "$before" ]] || fail "$1: a key was imported"
    last_ms=$elapsed
    pass "$1 refused in $elapsed ms: $(grep -Eo "(key-refused|lookup-failed) .*source=$2 .*" \
        "$T/log" | head -c 200)"
}

found bob@sealpost.test "$bob" pka
until=$(sp keys fetched --json | python3 -c 'import json, sys
print([k["cache_until"] for k in json.load(sys.stdin) if k["source"] == "pka"][0])')
secs=$(($(date -d "$until" +%s) - $(date +%s)))
((secs > 7000 && secs <= 7200)) ||
    fail "bob's cache should end after the TTL of 7200 s (longer than 1 h), ends in $secs s"
pass "bob's cache ends in $secs s: the record's TTL (7200 s), longer than pka_cache_hours = 1"
discover bob@sealpost.test
grep -q "^cached  $bob" "$T/out" ||
    fail "second lookup should be served from the cache: $(cat "$T/out")"
pass "a second lookup of bob asks nobody: $(cat "$T/out")"
found carol@sealpost.test "$carol" wkd
found dave@sealpost.test "$dave" dane

refused mismatch@sealpost.test pka "fingerprint mismatch"
refused nouid@sealpost.test pka "no user ID of the key holds nouid@sealpost.test"
refused redirect@sealpost.test pka "redirect \(status 302\) not followed"
refused fileredir@sealpost.test pka "redirect \(status 302\) not followed"
refused fileuri@sealpost.test pka "not an http\(s\) URI: file:///etc/passwd"
refused malformed@sealpost.test pka "malformed PKA1 record.*fpr is not 40 or 64 hex digits"
refused big@sealpost.test pka "over the limit of 65536 bytes"
((last_ms < 5000)) || fail "the 500 MB response took $last_ms ms to cut off"
wait_for "the server notes the aborted /big" 10 test -s "$T/big.log"
pass "the 500 MB response was cut off after $last_ms ms;" \
    "the server got $(tail -n 1 "$T/big.log") bytes out"
refused slow@sealpost.test pka "(timed out|Timeout was reached|too slow)"
((last_ms < 6000)) || fail "the slow server held us $last_ms ms"
refused erin@plain.test dane "not DNSSEC-signed \(insecure\)"
refused frank@broken.test dane "DNSSEC bogus"

# A name outside the test zones goes to NSD too, which refuses it: never the root servers.
start=$(date +%s%N)
discover nobody@example.com
elapsed=$((($(date +%s%N) - start) / 1000000))
((rc != 0)) || fail "nobody@example.com: found a key"
grep -q 'lookup-failed source=pka address=nobody@example.com reason="DNS the server answered' \
    "$T/log" ||
    fail "nobody@example.com: wanted a DNS failure from our server: $(cat "$T/log")"
pass "a name outside the zones is answered by NSD alone (SERVFAIL/REFUSED) in $elapsed ms"

n=$(sp keys fetched --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
((n == 3)) || fail "wanted 3 fetched keys (bob, carol, dave), got $n"
pass "keys fetched lists exactly the 3 good keys"
echo "$checks checks passed"
