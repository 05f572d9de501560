// The sealpost.toml that `sealpost init` writes. Every value here must equal the default in
// config.hpp; tests/unit/config checks that parsing this text yields Config{}.
#include "config/config.hpp"

namespace sealpost::config {

namespace {

// Starts with a newline to keep the first line readable here; default_file_text() drops it.
constexpr std::string_view text = R"toml(
# sealpost.toml: Sealpost's settings, written by `sealpost init`.
#
# Every option is listed with its default; a line that is deleted takes its default. An unknown
# key, a wrong type or a value out of range stops Sealpost with the file, line and key at fault.
# Who may use which service is set in rules.txt beside this file, and rules.txt wins over the
# authorize_* switches. Local domains and accounts live in the keystore, not here.

[service]
# Master switch. When false, mail passes through untouched. Even when true, nothing is signed,
# encrypted or decrypted until keys exist (imported, or made by keys.auto_create).
enabled = true
# Authorize every local user for every service that is enabled: sign, encrypt, decrypt,
# verify. When false, only the users rules.txt grants a service may use it.
authorize_local_users = true
# Decrypt and verify mail that non-local senders send to local users. When false, only the
# senders rules.txt grants it are decrypted and verified.
authorize_foreign_senders = true

# Mail from local users, accepted on "submission" listeners.
[encryption]
# Sign and encrypt at all. When false, neither the automatic modes nor the Subject codes
# (--pgps, --pgpe, --pgpx) sign or encrypt anything. Encrypted mail is always signed too.
enabled = true
# Encrypt whenever the sender may encrypt and every recipient's public key is known. When
# false, only a Subject code encrypts.
auto_encrypt = true
# Sign whenever the sender may sign and their secret key is known. When false, only a Subject
# code signs.
auto_sign = false
# Whether the automatic modes also act on mail between users of the same domain, between users
# of different local domains, and on mail a user sends to themself. Subject codes always act.
same_domain = true
local_domains = true
to_self = true
# When --pgpe cannot encrypt (say, no key for a recipient), the message is sent as it is; when
# true, the sender is also told why.
notify_failures = false
# Compress before encrypting. Off because it costs about 5 times the time on large messages,
# and the length of compressed ciphertext gives away what the plaintext contains.
compress = false
# Edge mode: encrypt mail delivered to an IP address that has a transport key with that key,
# just before sending, unless the message is already encrypted.
transport_by_ip = false

# Mail for local users: from "inbound" listeners, and between local users.
[decryption]
# Decrypt mail for recipients whose secret key is known, and verify signatures. When false,
# encrypted mail is delivered as it arrived, for users who decrypt in their own client.
enabled = true

[keys]
# Import the ASCII-armored public key an authenticated local user attaches to a message (for
# example, mailed to themself); the message is delivered as usual.
auto_import = true
# Answer a message to oneself with Subject --pgpk with one's own public key, and one with
# --pgpk<address> with that address's public key.
email_on_request = true
# Create a key pair for a local user who has none the next time mail is processed for them, in
# the background. Off so that no keys are made for accounts that never use OpenPGP.
auto_create = false
# Keys Sealpost makes: "ed25519" (Ed25519 signing, Cv25519 encryption: fast, and read by every
# maintained OpenPGP client) or "rsa" (for old clients).
key_algorithm = "ed25519"
# RSA key size: 1024, 2048, 3072 or 4096. Only used with key_algorithm = "rsa"; 1024 is weak
# and logs a warning.
rsa_key_bits = 2048
# Days from creation until a key Sealpost makes expires; 0 = never.
key_expiry_days = 0
# Serve local users' public keys over HTTP: /WorldClient.dll?View=MDPGP&k=<key ID>, HKP
# (/pks/lookup) and the Web Key Directory (/.well-known/openpgpkey/).
serve_http = false
# Exchange public keys during SMTP with the RKEY extension (docs/rkey.md). A key is accepted
# only from DKIM-signed mail from the key owner, from a host SPF allows, and only for owners
# rules.txt trusts for RKEY.
rkey = true

# Where public keys of remote recipients are looked up when none is known.
[discovery]
# PKA1: a TXT record at user._pka.domain pointing at the key. A fetched key is kept for
# pka_cache_hours (at least 1), or for the record's TTL if that is longer.
pka = true
pka_cache_hours = 12
# Web Key Directory (https://domain/.well-known/openpgpkey/).
wkd = true
# DANE OPENPGPKEY records, validated with DNSSEC.
dane = true
# Autocrypt headers of incoming, DKIM-verified mail. Off: such keys are announced by whoever
# sends mail rather than published by the domain, so they are weaker evidence.
autocrypt = false
# The DNS server asked for PKA1 and OPENPGPKEY records and for the addresses of key hosts:
# "IP" or "IP:port". Empty: the servers in /etc/resolv.conf.
resolver = ""
# An unbound.conf whose settings apply first (stub zones, local zones); empty: none.
unbound_config = ""
# DNSSEC trust anchor for DANE (as unbound-anchor writes it). Answers that do not validate
# against it are not used.
trust_anchor = "/usr/share/dns/root.key"
# Extra CA certificates (PEM file) trusted when fetching keys over HTTPS; empty: the system's.
ca_file = ""
# The port WKD lookups connect to (HTTPS).
https_port = 443
# Time allowed for one DNS query or HTTP fetch, and for all lookups of one message together;
# a message that cannot wait longer is treated as policy says for a recipient without a key.
lookup_timeout_ms = 3000
max_wait_ms = 5000
# After nothing was found for an address, do not look again for this long.
negative_cache_minutes = 60
# A fetched key larger than this is refused.
max_key_bytes = 1048576

# Bounds on what one message may cost us.
[limits]
# Largest message accepted, in bytes (52428800 = 50 MiB).
max_message_bytes = 52428800
# Most bytes a compressed OpenPGP message may expand to (268435456 = 256 MiB).
max_decompressed_bytes = 268435456
# Deepest nesting of MIME parts.
max_mime_depth = 64
# Most signatures checked in one message.
max_signatures = 100

[keystore]
# Where keys, the directory and caches are kept: "sqlite" is keystore.db in this directory.
backend = "sqlite"

[log]
# Lowest level logged: "trace", "debug", "info", "warn" or "error".
level = "info"

[relay]
# Where processed mail goes: in a content filter setup, the front MTA's re-injection port.
#   smtp://host:port[?tls=none|opportunistic|required]  SMTP ("[::1]" for IPv6)
#   lmtp://host:port or lmtp:unix:/path                   LMTP, as Dovecot speaks it
#   maildir:/path                                         /path/DOMAIN/LOCALPART/ on this machine
# Empty means edge mode: deliver to the recipients' MX hosts (not built yet).
next_hop = "smtp://127.0.0.1:10027"

# What every SMTP listener shares.
[smtp]
# Our name in the greeting and in EHLO; empty means this machine's host name.
hostname = ""
# STARTTLS certificate and key (PEM). `sealpost init` makes a self-signed pair; replace them
# with your own. Relative paths are in the data directory.
tls_certificate = "tls/cert.pem"
tls_key = "tls/key.pem"
# Most recipients of one message; more get 452 and the client sends them again later.
max_recipients = 1000
# Bad commands in one session before it is closed with 421.
max_errors = 10
# Concurrent connections in total, and from one client address, over all listeners together.
# A front MTA is one client: keep the second above its number of content filter processes
# (to every listener it uses).
max_connections = 1000
max_connections_per_client = 100
# RFC 5321 §4.5.3.2 timeouts: waiting for a command, and between two reads of DATA.
command_timeout_seconds = 300
data_timeout_seconds = 180
# Threads for crypto, MIME and database work; 0 means one per CPU core.
workers = 0

# The key server for local users' public keys, when [keys] serve_http is on: the MDPGP URL
# /WorldClient.dll?View=MDPGP&k=<key ID>, HKP /pks/lookup and the Web Key Directory.
[keyserver]
address = "127.0.0.1:9026"
# The base URL others reach it under, used in the uri= of PKA1 records that
# `sealpost dns records` prints. Empty: http:// (https:// with TLS) and the address above.
public_url = ""
# HTTPS: the certificate chain and private key (PEM files, relative to the data directory).
# Both empty: plain HTTP. Web Key Directory clients fetch only over HTTPS, from
# openpgpkey.DOMAIN or DOMAIN, so the certificate must name those.
tls_certificate = ""
tls_key = ""

# The daemon's HTTP listener: /metrics (Prometheus) and /healthz. Empty means none.
[http]
address = "127.0.0.1:9025"

# Where Sealpost accepts SMTP. role "submission": mail from local users whom the front MTA has
# authenticated; it is signed and encrypted. role "inbound": mail from outside; it is decrypted
# and verified. Without [[listener]] tables the two below are used; `listener = []` means none
# (for `sealpost process` alone). Each may also set:
#   starttls = true         offer STARTTLS with [smtp] tls_certificate
#   require_auth = false    true: users connect here directly and must log in (SMTP AUTH,
#                           only over TLS or loopback); the login is then the sender
#   trust_xforward = true   accept XFORWARD from the front MTA (its client's address and name)
# A submission listener without require_auth trusts whoever can reach it: bind it to an address
# only the front MTA can connect to.
[[listener]]
address = "127.0.0.1:10025"
role = "submission"

[[listener]]
address = "127.0.0.1:10026"
role = "inbound"
)toml";

}  // namespace

std::string default_file_text() {
    return std::string(text.substr(1));
}

}  // namespace sealpost::config
