#!/usr/bin/env bash
# Publishing and finding keys between two Sealpost sites. The publisher (remote.test) serves
# its users' keys on its key server and in a DNSSEC-signed zone made from `sealpost dns
# records`, served by NSD; the sender (sealpost.test) runs `sealpost serve`, and when its user
# alice sends to a publisher's user it has no key for, the daemon finds the key by PKA1, by WKD
# or by DANE (one source switched on at a time, by SIGHUP) and the message leaves encrypted to
# it; the publisher's own daemon then decrypts it. The key server speaks HTTPS with a test
# certificate the sender trusts (WKD is HTTPS only; the PKA1 URI is HTTPS too). A recipient
# nobody publishes a key for gets the message in clear, after a logged lookup. Only 127.0.0.1
# is contacted.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"
source "$(dirname "$0")/dns_lib.sh"
for tool in nsd ldns-keygen ldns-signzone openssl swaks python3 curl; do
    command -v "$tool" >/dev/null || { echo "skip: $tool is not installed"; exit 77; }
done

P="$T/publisher"
pub() { "$SEALPOST" --log-level warn --data-dir "$P" "$@"; }
fpr_of() {  # fpr_of SP-FUNCTION ADDRESS: the fingerprint of the address's key there
    "$1" keys list --filter "$2" --json | python3 -c 'import json,sys
print(json.load(sys.stdin)[0]["fingerprint"])'
}
KEYS=$(free_port)
PUB_IN=$(free_port) SUBMIT=$(free_port)

# --- the publisher: three users, its key server, and its zone ---
pub init "$P" --domain remote.test >/dev/null
for user in paula wendy dana; do
    pub users add "$user@remote.test" >/dev/null
    pub keys generate --user "$user@remote.test" >/dev/null
done
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=openpgpkey.remote.test" -keyout "$T/tls.key" -out "$T/tls.crt" \
    -addext "subjectAltName=DNS:openpgpkey.remote.test,DNS:remote.test,DNS:keys.remote.test" \
    2>/dev/null
cat >"$P/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/publisher-mail"
[http]
address = ""
[keys]
serve_http = true
[keyserver]
address = "127.0.0.1:$KEYS"
public_url = "https://keys.remote.test:$KEYS"
tls_certificate = "$T/tls.crt"
tls_key = "$T/tls.key"
[discovery]
pka = false
wkd = false
dane = false
[[listener]]
address = "127.0.0.1:$PUB_IN"
role = "inbound"
TOML
"$SEALPOST" --data-dir "$P" serve >>"$T/publisher.log" 2>&1 &
publisher_pid=$!
trap 'kill ${nsd_pid:-} $publisher_pid 2>/dev/null || true; cleanup' EXIT
wait_port "$PUB_IN"
wait_port "$KEYS"
grep -q "key server at https://127.0.0.1:$KEYS" "$T/publisher.log" ||
    fail "the key server did not start with HTTPS: $(cat "$T/publisher.log")"
# Any client that checks the certificate gets the key over HTTPS; plain HTTP gets no answer.
code=$(curl -s --cacert "$T/tls.crt" --resolve "keys.remote.test:$KEYS:127.0.0.1" -o "$T/hkp" \
    -w '%{http_code}' "https://keys.remote.test:$KEYS/pks/lookup?op=get&search=wendy@remote.test")
[ "$code" = 200 ] && grep -q 'BEGIN PGP PUBLIC KEY BLOCK' "$T/hkp" ||
    fail "HKP over HTTPS: status $code"
plain=$(curl -s -m 5 -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$KEYS/pks/lookup?op=get&search=wendy@remote.test" || true)
[ "$plain" != 200 ] || fail "the HTTPS key server answered plain HTTP"

pub dns records --domain remote.test >"$T/records"
dane_label=$(printf %s dana | sha256sum | cut -c1-56)
mkdir -p "$T/dns/zones"
{
    zone_head remote.test
    echo "keys IN A 127.0.0.1"
    echo "openpgpkey IN A 127.0.0.1"
    grep '^paula\._pka\.remote\.test\. IN TXT "v=pka1;' "$T/records"
    grep "^$dane_label\._openpgpkey\.remote\.test\. IN OPENPGPKEY " "$T/records"
} >"$T/dns/zones/remote.test.zone"
[ "$(grep -c -e _pka -e _openpgpkey "$T/dns/zones/remote.test.zone")" = 2 ] ||
    fail "dns records lack paula's PKA1 or dana's OPENPGPKEY record: $(cat "$T/records")"
sign_zone "$T/dns" remote.test >"$T/dns/anchor.ds"
start_nsd "$T/dns" remote.test
PORT_DNS=$nsd_port
unbound_test_conf "$T/unbound.conf"
pass "publisher: key server on :$KEYS answers HKP over HTTPS (certificate checked), not plain" \
    "HTTP; signed zone from dns records on NSD :$PORT_DNS"

# --- the sender: alice, and a daemon whose next hop is a Maildir we can read ---
sp init "$T/data" --domain sealpost.test >/dev/null
sp users add alice@sealpost.test >/dev/null
sp keys generate --user alice@sealpost.test >/dev/null
sender_config() {  # sender_config PKA WKD DANE
    cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/out"
[http]
address = ""
[discovery]
pka = $1
wkd = $2
dane = $3
resolver = "127.0.0.1:$PORT_DNS"
unbound_config = "$T/unbound.conf"
trust_anchor = "$T/dns/anchor.ds"
ca_file = "$T/tls.crt"
https_port = $KEYS
lookup_timeout_ms = 3000
max_wait_ms = 8000
[[listener]]
address = "127.0.0.1:$SUBMIT"
role = "submission"
TOML
}
sender_config true false false
start_sealpost "$SUBMIT"

# send_to LOCAL: alice writes to LOCAL@remote.test; prints the file the daemon delivered.
send_to() {
    local before
    before=$(maildir_count "$T/out/remote.test/$1")
    swaks --server "127.0.0.1:$SUBMIT" --from alice@sealpost.test --to "$1@remote.test" \
        --header "Subject: for $1" --body "The meeting moves to room $1." \
        >"$T/swaks.out" 2>&1 || fail "the sender refused mail to $1: $(tail -n 3 "$T/swaks.out")"
    [ "$(maildir_count "$T/out/remote.test/$1")" = $((before + 1)) ] ||
        fail "nothing delivered for $1"
    ls -t "$T/out/remote.test/$1"/new/* | head -n 1
}

# found_and_encrypted LOCAL SOURCE: the daemon imported LOCAL's key from SOURCE, the message
# went out PGP/MIME encrypted to that very key, and the publisher's daemon decrypts it.
found_and_encrypted() {
    local local_part=$1 source=$2 file want got
    file=$(send_to "$local_part")
    grep -q "discovery key-found.*source=$source.*address=$local_part@remote.test" \
        "$T/sealpost.log" || fail "$local_part: no key-found by $source: $(tail "$T/sealpost.log")"
    want=$(fpr_of pub "$local_part@remote.test")
    grep -Eq "discovery looked-up queue_id=[A-Z0-9]+ address=$local_part@remote.test result=found fpr=$want" \
        "$T/sealpost.log" || fail "$local_part: no looked-up line with the queue ID"
    sp keys fetched | grep -q "^$want  $local_part@remote.test  $source  until " ||
        fail "$local_part: keys fetched does not list $want from $source: $(sp keys fetched)"
    grep -q 'multipart/encrypted' "$file" || fail "$local_part: sent in clear: $(head -c 800 "$file")"
    grep -q "room $local_part" "$file" && fail "$local_part: the plaintext left the sender"
    # The encrypted part's recipient is a subkey of the publisher's key.
    python3 - "$file" >"$T/part.asc" <<'PY'
import email, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
print([p for p in msg.walk() if p.get_content_type() == "application/octet-stream"][0]
      .get_payload(decode=True).decode())
PY
    # (gpg exits non-zero here: it has no secret key to decrypt with.)
    got=$({ gpg --batch --list-packets "$T/part.asc" 2>/dev/null || true; } | awk '/^:pubkey enc packet:/ {
        for (i = 1; i <= NF; i++) if ($i == "keyid") print $(i + 1) }' | head -n 1)
    pub keys export "$want" --out "$T/$local_part.asc" >/dev/null
    gpg --with-colons --import-options show-only --import "$T/$local_part.asc" 2>/dev/null |
        grep -q "^sub:[^:]*:[^:]*:[^:]*:$got:" ||
        fail "$local_part: encrypted to key ID '$got', not a subkey of $want"
    swaks --server "127.0.0.1:$PUB_IN" --from alice@sealpost.test --to "$local_part@remote.test" \
        --data "$file" >"$T/swaks.out" 2>&1 || fail "the publisher refused: $(tail -n 3 "$T/swaks.out")"
    local inbox="$T/publisher-mail/remote.test/$local_part"
    wait_for "the publisher delivers $local_part's mail" 10 test -n "$(ls "$inbox/new" 2>/dev/null)"
    grep -q "room $local_part" "$inbox"/new/* || fail "$local_part: the publisher did not decrypt"
    pass "$local_part@remote.test: $source key $want found while sending;" \
        "sent encrypted to subkey $got; the publisher decrypted it"
}

reloads() { grep -c 'daemon reloaded' "$T/sealpost.log" || true; }
found_and_encrypted paula pka

sender_config false true false
kill -HUP "$sealpost_pid"
wait_for "the sender reloads" 10 at_least 1 reloads
found_and_encrypted wendy wkd

sender_config false false true
kill -HUP "$sealpost_pid"
wait_for "the sender reloads again" 10 at_least 2 reloads
found_and_encrypted dana dane

# Nobody publishes a key for nobody@remote.test: looked up, nothing found, sent as policy says.
sender_config true true true
kill -HUP "$sealpost_pid"
wait_for "the third reload" 10 at_least 3 reloads
file=$(send_to nobody)
grep -q 'multipart/encrypted' "$file" && fail "nobody's mail was encrypted to something"
grep -q 'room nobody' "$file" || fail "nobody's mail lost its text"
grep -Eq 'discovery looked-up queue_id=[A-Z0-9]+ address=nobody@remote.test result=nothing' \
    "$T/sealpost.log" || fail "no looked-up line for nobody@remote.test"
pass "nobody@remote.test: every source asked, nothing found, the message went out in clear:" \
    "$(grep -Eo 'discovery [a-z-]+ .*address=nobody@remote.test.*' "$T/sealpost.log" |
        tr '\n' ';' | head -c 300)"
stop_sealpost_cleanly
echo "publish_and_find: $checks checks passed"
