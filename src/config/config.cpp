#include "config/config.hpp"

#include <algorithm>
#include <limits>

#include "common/error.hpp"
#include "common/files.hpp"
#include "config/reader.hpp"

namespace sealpost::config {

namespace {

constexpr std::size_t max_file_bytes = 1 << 20;
constexpr std::int64_t int_min = std::numeric_limits<int>::min();
constexpr std::int64_t int_max = std::numeric_limits<int>::max();
constexpr std::int64_t bytes_max = std::numeric_limits<std::int64_t>::max();

// "host:port" with a port from 1 to 65535; an IPv6 host is written in brackets.
bool is_host_port(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return false;
    }
    std::string_view host = text.substr(0, colon);
    std::string_view port = text.substr(colon + 1);
    bool bracketed = host.front() == '[' && host.back() == ']' && host.size() > 2;
    if (!bracketed && host.find_first_of(":[] \t") != std::string_view::npos) {
        return false;
    }
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    int number = std::stoi(std::string(port));
    return number >= 1 && number <= 65535;
}

void read_service(TableReader& table, Service& out) {
    table.read("enabled", out.enabled);
    table.read("authorize_local_users", out.authorize_local_users);
    table.read("authorize_foreign_senders", out.authorize_foreign_senders);
}

void read_encryption(TableReader& table, Encryption& out) {
    table.read("enabled", out.enabled);
    table.read("auto_encrypt", out.auto_encrypt);
    table.read("auto_sign", out.auto_sign);
    table.read("same_domain", out.same_domain);
    table.read("local_domains", out.local_domains);
    table.read("to_self", out.to_self);
    table.read("notify_failures", out.notify_failures);
    table.read("compress", out.compress);
    table.read("transport_by_ip", out.transport_by_ip);
}

void read_rsa_key_bits(TableReader& table, int& out) {
    table.read_int("rsa_key_bits", out, int_min, int_max);
    if (std::find(std::begin(rsa_key_sizes), std::end(rsa_key_sizes), out) ==
        std::end(rsa_key_sizes)) {
        table.fail("rsa_key_bits", "must be 1024, 2048, 3072 or 4096, got " + std::to_string(out));
    }
}

void read_keys(TableReader& table, Keys& out) {
    table.read("auto_import", out.auto_import);
    table.read("email_on_request", out.email_on_request);
    table.read("auto_create", out.auto_create);
    table.read_choice("key_algorithm", out.key_algorithm,
                      {{"ed25519", KeyAlgorithm::Ed25519}, {"rsa", KeyAlgorithm::Rsa}});
    read_rsa_key_bits(table, out.rsa_key_bits);
    table.read_int("key_expiry_days", out.key_expiry_days, 0, max_key_expiry_days);
    table.read("serve_http", out.serve_http);
    table.read("rkey", out.rkey);
}

void read_discovery(TableReader& table, Discovery& out) {
    table.read("pka", out.pka);
    table.read_int("pka_cache_hours", out.pka_cache_hours, min_pka_cache_hours, int_max);
    table.read("wkd", out.wkd);
    table.read("dane", out.dane);
    table.read("autocrypt", out.autocrypt);
    table.read("resolver", out.resolver);
    if (!out.resolver.empty() && !is_host_port(out.resolver) &&
        !is_host_port(out.resolver + ":53")) {
        table.fail("resolver", "must be IP or IP:port, got " + in_quotes(out.resolver));
    }
    table.read("unbound_config", out.unbound_config);
    table.read("trust_anchor", out.trust_anchor);
    table.read("ca_file", out.ca_file);
    table.read_int("https_port", out.https_port, 1, 65535);
    table.read_int("lookup_timeout_ms", out.lookup_timeout_ms, 100, 60000);
    table.read_int("max_wait_ms", out.max_wait_ms, 100, 120000);
    table.read_int("negative_cache_minutes", out.negative_cache_minutes, 0, 7 * 24 * 60);
    table.read_int("max_key_bytes", out.max_key_bytes, 1024, std::int64_t{64} << 20);
}

void read_limits(TableReader& table, Limits& out) {
    table.read_int("max_message_bytes", out.max_message_bytes, 1, bytes_max);
    table.read_int("max_decompressed_bytes", out.max_decompressed_bytes, 1, bytes_max);
    table.read_int("max_mime_depth", out.max_mime_depth, 1, int_max);
    table.read_int("max_signatures", out.max_signatures, 1, int_max);
}

void read_keystore(TableReader& table, Keystore& out) {
    table.read_choice("backend", out.backend, {{"sqlite", KeystoreBackend::Sqlite}});
}

void read_log(TableReader& table, Log& out) {
    table.read_choice("level", out.level,
                      {{"trace", log::Level::Trace},
                       {"debug", log::Level::Debug},
                       {"info", log::Level::Info},
                       {"warn", log::Level::Warn},
                       {"error", log::Level::Error}});
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool is_next_hop(std::string_view uri) {
    if (starts_with(uri, "smtp://") || starts_with(uri, "lmtp://")) {
        auto rest = uri.substr(7);
        return is_host_port(rest.substr(0, rest.find('?')));
    }
    if (starts_with(uri, "lmtp:unix:/") || starts_with(uri, "maildir:/")) {
        return true;
    }
    return is_host_port(uri);
}

void read_relay(TableReader& table, Relay& out) {
    table.read("next_hop", out.next_hop);
    if (!out.next_hop.empty() && !is_next_hop(out.next_hop)) {
        table.fail("next_hop",
                   "must be smtp://host:port, lmtp://host:port, lmtp:unix:/path, "
                   "maildir:/path or empty, got " +
                       in_quotes(out.next_hop));
    }
}

void read_smtp(TableReader& table, Smtp& out) {
    table.read("hostname", out.hostname);
    if (out.hostname.find_first_of(" \t\r\n<>") != std::string::npos) {
        table.fail("hostname", "must be a host name, got " + in_quotes(out.hostname));
    }
    table.read("tls_certificate", out.tls_certificate);
    table.read("tls_key", out.tls_key);
    table.read_int("max_recipients", out.max_recipients, 1, 100000);
    table.read_int("max_errors", out.max_errors, 1, 1000);
    table.read_int("max_connections", out.max_connections, 1, 100000);
    table.read_int("max_connections_per_client", out.max_connections_per_client, 1, 100000);
    table.read_int("command_timeout_seconds", out.command_timeout_seconds, 1, 3600);
    table.read_int("data_timeout_seconds", out.data_timeout_seconds, 1, 3600);
    table.read_int("workers", out.workers, 0, 256);
}

void read_http(TableReader& table, Http& out) {
    table.read("address", out.address);
    if (!out.address.empty() && !is_host_port(out.address)) {
        table.fail("address", "must be host:port or empty, got " + in_quotes(out.address));
    }
}

void read_keyserver(TableReader& table, Keyserver& out) {
    table.read("address", out.address);
    if (!is_host_port(out.address)) {
        table.fail("address", "must be host:port, got " + in_quotes(out.address));
    }
    table.read("public_url", out.public_url);
    table.read("tls_certificate", out.tls_certificate);
    table.read("tls_key", out.tls_key);
    if (out.tls_certificate.empty() != out.tls_key.empty()) {
        table.fail(out.tls_key.empty() ? "tls_key" : "tls_certificate",
                   "HTTPS needs both tls_certificate and tls_key");
    }
    if (!out.public_url.empty() && out.public_url.rfind("http://", 0) != 0 &&
        out.public_url.rfind("https://", 0) != 0) {
        table.fail("public_url",
                   "must start with http:// or https://, got " + in_quotes(out.public_url));
    }
}

Listener read_listener(TableReader& table) {
    Listener listener;
    table.require("address");
    table.read("address", listener.address);
    if (!is_host_port(listener.address)) {
        table.fail("address", "must be host:port, got " + in_quotes(listener.address));
    }
    table.require("role");
    table.read_choice(
        "role", listener.role,
        {{"submission", ListenerRole::Submission}, {"inbound", ListenerRole::Inbound}});
    table.read("starttls", listener.starttls);
    table.read("require_auth", listener.require_auth);
    table.read("trust_xforward", listener.trust_xforward);
    table.reject_unknown();
    return listener;
}

// Reads every [[listener]] table. Relay must be read first: a listener on the next hop's
// address would hand mail back to itself.
void read_listeners(TableReader& top, const Relay& relay, std::vector<Listener>& out) {
    const toml::node* node = top.take("listener");
    if (node == nullptr) {
        return;
    }
    const toml::array* array = node->as_array();
    if (array == nullptr || (!array->empty() && !array->is_array_of_tables())) {
        top.fail("listener", "expected [[listener]] tables");
    }
    out.clear();
    for (std::size_t i = 0; i < array->size(); ++i) {
        std::string path = "listener[" + std::to_string(i) + "]";
        TableReader table(*array->get(i)->as_table(), path, top.source());
        out.push_back(read_listener(table));
        if (out[i].address == next_hop_address(relay.next_hop)) {
            table.fail("address", "same as relay.next_hop, so mail would loop");
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (out[j].address == out[i].address) {
                table.fail("address", "already used by listener[" + std::to_string(j) + "]");
            }
        }
    }
}

toml::table parse_toml(std::string_view text, std::string_view source_name) {
    try {
        return toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        fail_at(source_name, e.source(), "", e.description());
    }
}

}  // namespace

std::string_view to_string(KeyAlgorithm algorithm) {
    return algorithm == KeyAlgorithm::Rsa ? "rsa" : "ed25519";
}

std::string_view to_string(ListenerRole role) {
    return role == ListenerRole::Inbound ? "inbound" : "submission";
}

std::string_view to_string(KeystoreBackend) {
    return "sqlite";
}

std::string next_hop_address(std::string_view uri) {
    if (starts_with(uri, "smtp://") || starts_with(uri, "lmtp://")) {
        auto rest = uri.substr(7);
        return std::string(rest.substr(0, rest.find('?')));
    }
    if (starts_with(uri, "lmtp:") || starts_with(uri, "maildir:")) {
        return {};
    }
    return std::string(uri);
}

Config parse(std::string_view text, std::string_view source_name) {
    toml::table document = parse_toml(text, source_name);
    TableReader top(document, "", source_name);
    Config config;

    top.section("service", [&](TableReader& t) { read_service(t, config.service); });
    top.section("encryption", [&](TableReader& t) { read_encryption(t, config.encryption); });
    top.section("decryption",
                [&](TableReader& t) { t.read("enabled", config.decryption.enabled); });
    top.section("keys", [&](TableReader& t) { read_keys(t, config.keys); });
    top.section("discovery", [&](TableReader& t) { read_discovery(t, config.discovery); });
    top.section("limits", [&](TableReader& t) { read_limits(t, config.limits); });
    top.section("keystore", [&](TableReader& t) { read_keystore(t, config.keystore); });
    top.section("log", [&](TableReader& t) { read_log(t, config.log); });
    top.section("relay", [&](TableReader& t) { read_relay(t, config.relay); });
    top.section("smtp", [&](TableReader& t) { read_smtp(t, config.smtp); });
    top.section("http", [&](TableReader& t) { read_http(t, config.http); });
    top.section("keyserver", [&](TableReader& t) { read_keyserver(t, config.keyserver); });
    read_listeners(top, config.relay, config.listeners);
    top.reject_unknown();

    // DESIGN.md §4: RSA 1024 is allowed for old peers, but never silently.
    if (config.keys.key_algorithm == KeyAlgorithm::Rsa && config.keys.rsa_key_bits == 1024) {
        log::warn("config", "weak_key_size", {{"source", source_name}, {"rsa_key_bits", 1024}});
    }
    return config;
}

Config load(const std::filesystem::path& path) {
    return parse(files::read(path, max_file_bytes), path.string());
}

}  // namespace sealpost::config
