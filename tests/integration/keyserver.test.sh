#!/usr/bin/env bash
# The key server of `sealpost serve --keyserver`: GnuPG fetches a local user's key over HKP
# (--recv-keys and --search-keys, dirmngr pointed at loopback only), the WKD URLs that
# gpg-wks-client prints (advanced and direct) answer with the key, the manual's MDPGP URL works
# with mixed-case parameter names, and `sealpost dns records` parses as zone data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/mta_lib.sh"

sp init "$T/data" --domain example.org >/dev/null
sp users add alice@example.org >/dev/null
sp keys generate --user alice@example.org --name "Alice" >/dev/null
sp keys generate --user bob@example.org >/dev/null
fpr=$(sp keys list --local --filter alice@example.org --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["fingerprint"])')
bob=$(sp keys list --local --filter bob@example.org --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["fingerprint"])')
sp keys disable "$bob" >/dev/null
keyid=${fpr:24:16}
SMTP=$(free_port)
KEYS=$(free_port)
"$SEALPOST" --data-dir "$T/data" serve --listen "127.0.0.1:$SMTP" --next-hop "maildir:$T/mail" \
    --http none --keyserver "127.0.0.1:$KEYS" >>"$T/sealpost.log" 2>&1 &
sealpost_pid=$!
wait_port "$SMTP"
wait_port "$KEYS"
grep -q "key server at http://127.0.0.1:$KEYS" "$T/sealpost.log" || fail "no key server line"
pass "serve --keyserver listens on 127.0.0.1:$KEYS"

# GnuPG over HKP; dirmngr knows only this loopback key server.
echo "keyserver hkp://127.0.0.1:$KEYS" >"$GNUPGHOME/dirmngr.conf"
gpg_batch --keyserver "hkp://127.0.0.1:$KEYS" --recv-keys "$fpr" 2>"$T/err" ||
    fail "gpg --recv-keys: $(cat "$T/err")"
gpg --batch --with-colons --list-keys "$fpr" | grep -q "^fpr:::::::::$fpr:" ||
    fail "gpg did not store $fpr"
gpg --batch --list-secret-keys "$fpr" >/dev/null 2>&1 && fail "secret key came over HKP"
pass "gpg --recv-keys $fpr over HKP stores the public key alone"
gpg --batch --yes --delete-keys "$fpr" >/dev/null 2>&1
gpg --batch --keyserver "hkp://127.0.0.1:$KEYS" --search-keys alice@example.org \
    >"$T/search" 2>&1 </dev/null || true
grep -q "$keyid" "$T/search" || grep -qi "${keyid,,}" "$T/search" ||
    fail "gpg --search-keys did not list $keyid: $(cat "$T/search")"
pass "gpg --search-keys alice@example.org lists the key"
gpg_batch --keyserver "hkp://127.0.0.1:$KEYS" --recv-keys "$bob" 2>/dev/null &&
    fail "a disabled key was served"
pass "a disabled key is not served"
gpgconf --kill dirmngr

# WKD: the paths gpg-wks-client prints, asked of 127.0.0.1 with the right Host header.
url=$(/usr/lib/gnupg/gpg-wks-client --print-wkd-url alice@example.org)
hash=$(/usr/lib/gnupg/gpg-wks-client --print-wkd-hash alice@example.org | cut -d' ' -f1)
host=${url#https://}
host=${host%%/*}
path=/${url#https://*/}
fetch() {  # fetch HOST PATH OUT: prints the status code
    curl -s -o "$3" -w '%{http_code}' -H "Host: $1" "http://127.0.0.1:$KEYS$2"
}
[ "$(fetch "$host" "$path" "$T/advanced")" = 200 ] || fail "advanced WKD $path"
[ "$(fetch example.org "/.well-known/openpgpkey/hu/$hash" "$T/direct")" = 200 ] ||
    fail "direct WKD for $hash"
for f in advanced direct; do
    gpg --batch --with-colons --show-keys "$T/$f" | grep -q "^fpr:::::::::$fpr:" ||
        fail "$f WKD answer is not alice's key"
done
[ "$(fetch example.org /.well-known/openpgpkey/example.org/policy "$T/policy")" = 200 ] ||
    fail "policy"
pass "WKD advanced ($path) and direct answer alice's binary key; policy 200"
[ "$(fetch example.org "/.well-known/openpgpkey/example.org/hu/../../x" /dev/null)" != 200 ] ||
    fail "traversal answered 200"

# The manual's MDPGP URL, mixed-case parameter names.
[ "$(fetch example.org "/WorldClient.dll?VIEW=MDPGP&K=${keyid,,}" "$T/mdpgp")" = 200 ] ||
    fail "MDPGP URL"
grep -q "BEGIN PGP PUBLIC KEY BLOCK" "$T/mdpgp" || fail "MDPGP answer not armored"
pass "MDPGP URL with VIEW= and K= answers the armored key"
mdpgp="http://127.0.0.1:$KEYS/WorldClient.dll?View=MDPGP&k=$keyid"
etag=$(curl -s -D - -o /dev/null "$mdpgp" | tr -d '\r' | sed -n 's/^ETag: //Ip')
[ -n "$etag" ] || fail "no ETag"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$mdpgp")" = 304 ] ||
    fail "If-None-Match $etag did not answer 304"
curl -s -I "$mdpgp" >"$T/head"
grep -qi "^Content-Type: application/pgp-keys" "$T/head" || fail "HEAD: $(cat "$T/head")"
[ "$(curl -s -o /dev/null -w '%{size_download}' -X HEAD --max-time 5 "$mdpgp" || true)" = 0 ] ||
    fail "HEAD sent a body"
pass "If-None-Match answers 304; HEAD answers the headers alone"

# DNS records parse as zone data, and PKA1's fpr is alice's.
sp dns records >"$T/records"
grep -q "^alice._pka.example.org. IN TXT \"v=pka1;fpr=$fpr;uri=http://127.0.0.1:9026/WorldClient.dll?View=MDPGP&k=$keyid\"" \
    "$T/records" || fail "PKA1 record: $(cat "$T/records")"
grep -q "bob" "$T/records" && fail "the disabled key has a record"
grep -q "_openpgpkey.example.org. IN OPENPGPKEY " "$T/records" || fail "no OPENPGPKEY record"
{ echo '$ORIGIN example.org.'; echo '$TTL 3600'
  echo '@ IN SOA ns.example.org. host.example.org. 1 3600 600 86400 3600'
  cat "$T/records"; } >"$T/zone"
ldns-read-zone "$T/zone" >"$T/parsed" 2>"$T/err" || fail "ldns-read-zone: $(cat "$T/err")"
grep -q "OPENPGPKEY" "$T/parsed" || fail "ldns dropped the OPENPGPKEY record"
pass "dns records: $(wc -l <"$T/records") lines parse with ldns-read-zone"

stop_sealpost_cleanly

# The same from sealpost.toml: [keys] serve_http and [keyserver] address and public_url.
KEYS2=$(free_port)
cat >"$T/data/sealpost.toml" <<TOML
[relay]
next_hop = "maildir:$T/mail"
[http]
address = ""
[keys]
serve_http = true
[keyserver]
address = "127.0.0.1:$KEYS2"
public_url = "https://keys.example.org/"
[[listener]]
address = "127.0.0.1:$SMTP"
role = "inbound"
TOML
start_sealpost "$SMTP" "$KEYS2"
[ "$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$KEYS2/pks/lookup?op=get&search=0x$fpr")" = 200 ] ||
    fail "key server from sealpost.toml"
sp dns records --domain example.org | grep -q "uri=https://keys.example.org/WorldClient.dll" ||
    fail "dns records ignore [keyserver] public_url"
pass "[keys] serve_http starts the key server on [keyserver] address; public_url in PKA1 uri="
stop_sealpost_cleanly
echo "keyserver: $checks checks passed"
