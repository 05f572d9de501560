// sealpost.toml as typed settings: every switch of DESIGN.md §5 with the manual's default, and
// the loader that refuses anything it does not understand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/log.hpp"

namespace sealpost::config {

enum class KeyAlgorithm { Ed25519, Rsa };
enum class ListenerRole { Submission, Inbound };
// LIMITATION: only the SQLite backend can be configured; PostgreSQL (DESIGN.md §7) needs its
// connection settings added here before several nodes can share one keystore.
enum class KeystoreBackend { Sqlite };

std::string_view to_string(KeyAlgorithm algorithm);
std::string_view to_string(ListenerRole role);
std::string_view to_string(KeystoreBackend backend);

constexpr int min_pka_cache_hours = 1;
constexpr int rsa_key_sizes[] = {1024, 2048, 3072, 4096};
// RFC 4880 §5.2.3.6: key expiration time is a four-octet count of seconds, about 49710 days.
constexpr int max_key_expiry_days = 49710;

// [service]: the master switch and who is authorized when rules.txt says nothing.
struct Service {
    bool enabled = true;
    bool authorize_local_users = true;
    bool authorize_foreign_senders = true;  // for decryption and verification

    bool operator==(const Service&) const = default;
};

// [encryption]: signing and encrypting mail from local users (submission listeners).
struct Encryption {
    bool enabled = true;  // "encryption & signing services"
    bool auto_encrypt = true;
    bool auto_sign = false;
    bool same_domain = true;       // automatic mode acts between users of one domain
    bool local_domains = true;     // ... and between users of different local domains
    bool to_self = true;           // ... and on mail a user sends to themself
    bool notify_failures = false;  // tell the sender when --pgpe could not encrypt
    // Off: compressing costs about 5x the time on large messages, and the length of
    // compressed ciphertext leaks what the plaintext contains (a length side channel).
    bool compress = false;
    bool transport_by_ip = false;  // encrypt to the transport key of the receiving IP

    bool operator==(const Encryption&) const = default;
};

// [decryption]: decrypting and verifying mail for local recipients.
struct Decryption {
    bool enabled = true;  // "decryption & verification services"

    bool operator==(const Decryption&) const = default;
};

// [keys]: how keys are made, imported, handed out and exchanged.
struct Keys {
    bool auto_import = true;       // armored public keys attached by authenticated users
    bool email_on_request = true;  // answer --pgpk and --pgpk<address>
    bool auto_create = false;
    KeyAlgorithm key_algorithm = KeyAlgorithm::Ed25519;
    int rsa_key_bits = 2048;  // one of rsa_key_sizes; used only for KeyAlgorithm::Rsa
    int key_expiry_days = 0;  // 0 = never
    bool serve_http = false;  // MDPGP URL, HKP and WKD for local users' public keys
    bool rkey = true;         // the RKEY SMTP extension

    bool operator==(const Keys&) const = default;
};

// [discovery]: where public keys of remote recipients are looked up.
struct Discovery {
    bool pka = true;
    int pka_cache_hours = 12;  // at least min_pka_cache_hours; the record's TTL if longer
    bool wkd = true;
    bool dane = true;
    bool autocrypt = false;
    // The DNS server asked for PKA1, OPENPGPKEY and the addresses of key hosts: "IP" or
    // "IP:port" ("[IPv6]:port"); empty: the servers of /etc/resolv.conf.
    std::string resolver;
    // An unbound.conf read before the settings above (local zones, stub zones); empty: none.
    std::string unbound_config;
    // DNSSEC trust anchor file (DS or DNSKEY records, as unbound-anchor writes it) for DANE.
    std::string trust_anchor = "/usr/share/dns/root.key";
    // Extra CA certificates (PEM) trusted for fetching keys over HTTPS; empty: the system's.
    std::string ca_file;
    int https_port = 443;                 // the port WKD lookups connect to
    int lookup_timeout_ms = 3000;         // one DNS query or HTTP fetch
    int max_wait_ms = 5000;               // all lookups for one message together
    int negative_cache_minutes = 60;      // an address with no key found is not asked again
    std::size_t max_key_bytes = 1 << 20;  // a fetched key larger than this is refused

    bool operator==(const Discovery&) const = default;
};

// [limits]: bounds on what one message may cost us (DESIGN.md §5, security rules).
struct Limits {
    std::size_t max_message_bytes = std::size_t{50} << 20;
    std::size_t max_decompressed_bytes = std::size_t{256} << 20;
    int max_mime_depth = 64;
    int max_signatures = 100;

    bool operator==(const Limits&) const = default;
};

struct Keystore {
    KeystoreBackend backend = KeystoreBackend::Sqlite;

    bool operator==(const Keystore&) const = default;
};

struct Log {
    log::Level level = log::Level::Info;

    bool operator==(const Log&) const = default;
};

// [relay]: where processed mail goes. Empty next_hop means edge mode: deliver through the
// queue to the recipients' MX hosts.
struct Relay {
    // "smtp://host:port", "lmtp://host:port", "lmtp:unix:/path" or "maildir:/path"; a bare
    // "host:port" means smtp://host:port. IPv6 hosts in brackets: "smtp://[::1]:10027".
    std::string next_hop = "smtp://127.0.0.1:10027";

    bool operator==(const Relay&) const = default;
};

// [smtp]: what every listener shares (RFC 5321 limits and timeouts, TLS, the worker pool).
struct Smtp {
    std::string hostname;  // in the greeting and EHLO; empty: this machine's host name
    // PEM files made by `sealpost init` (self-signed); relative paths are in the data directory.
    std::string tls_certificate = "tls/cert.pem";
    std::string tls_key = "tls/key.pem";
    int max_recipients = 1000;
    int max_errors = 10;  // bad commands in one session before it is closed
    int max_connections = 1000;
    int max_connections_per_client = 100;  // per client IP; a front MTA is one client
    int command_timeout_seconds = 300;     // RFC 5321 §4.5.3.2: at least 5 minutes
    int data_timeout_seconds = 180;        // between two reads of DATA
    int workers = 0;                       // crypto and database threads; 0: one per core

    bool operator==(const Smtp&) const = default;
};

// [http]: the daemon's HTTP listener for /metrics and /healthz (the key server has its own).
struct Http {
    std::string address = "127.0.0.1:9025";  // empty: no HTTP listener

    bool operator==(const Http&) const = default;
};

// [keyserver]: the HTTP key server for local users' public keys (DESIGN.md §6), on its own
// listener, when [keys] serve_http is on.
struct Keyserver {
    std::string address = "127.0.0.1:9026";
    // The base URL under which others reach it, for PKA1 records' uri=; empty: "http://" and
    // the listen address.
    std::string public_url;
    // HTTPS: a certificate chain and its key (PEM; relative paths in the data directory). Both
    // empty: plain HTTP. WKD clients need HTTPS on openpgpkey.DOMAIN or DOMAIN.
    std::string tls_certificate;
    std::string tls_key;

    bool operator==(const Keyserver&) const = default;
};

// One [[listener]] table: where SMTP is accepted and which treatment the mail gets.
struct Listener {
    std::string address;  // "host:port", IPv6 as "[::1]:port"
    ListenerRole role = ListenerRole::Submission;
    bool starttls = true;        // offer STARTTLS with [smtp] tls_certificate
    bool require_auth = false;   // MAIL only after AUTH (users connect here directly)
    bool trust_xforward = true;  // the front MTA may pass its client's address (XFORWARD)

    bool operator==(const Listener&) const = default;
};

struct Config {
    Service service;
    Encryption encryption;
    Decryption decryption;
    Keys keys;
    Discovery discovery;
    Limits limits;
    Keystore keystore;
    Log log;
    Relay relay;
    Smtp smtp;
    Http http;
    Keyserver keyserver;
    // Used when the file has no [[listener]] table; a file's tables replace them all.
    std::vector<Listener> listeners = {
        {.address = "127.0.0.1:10025", .role = ListenerRole::Submission},
        {.address = "127.0.0.1:10026", .role = ListenerRole::Inbound},
    };

    bool operator==(const Config&) const = default;
};

// The commented sealpost.toml that `sealpost init` writes. parse() of it yields Config{}.
std::string default_file_text();

// Parses sealpost.toml text; keys that are missing take their defaults. Unknown keys, wrong
// types, out-of-range values and TOML syntax errors throw Error(BadInput) with one line:
// "<source_name>:<line>:<column>: <key>: what is wrong".
// The "host:port" a next hop URI connects to, for the loop check; empty for maildir and
// Unix sockets.
std::string next_hop_address(std::string_view uri);

Config parse(std::string_view text, std::string_view source_name);

// Reads and parses the file at `path`; errors name the path as above. A missing file throws
// Error(NotFound).
Config load(const std::filesystem::path& path);

}  // namespace sealpost::config
