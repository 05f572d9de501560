#include "config/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

#include "common/error.hpp"
#include "common/files.hpp"

namespace sealpost::config {

namespace {

// The message parse() throws for `text`, or a note that it threw nothing.
std::string error_of(std::string_view text) {
    try {
        parse(text, "test.toml");
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST(ConfigDefaults, DefaultTextParsesToTheManualDefaults) {
    Config c = parse(default_file_text(), "sealpost.toml");

    EXPECT_TRUE(c.service.enabled);
    EXPECT_TRUE(c.service.authorize_local_users);
    EXPECT_TRUE(c.service.authorize_foreign_senders);

    EXPECT_TRUE(c.encryption.enabled);
    EXPECT_TRUE(c.encryption.auto_encrypt);
    EXPECT_FALSE(c.encryption.auto_sign);
    EXPECT_TRUE(c.encryption.same_domain);
    EXPECT_TRUE(c.encryption.local_domains);
    EXPECT_TRUE(c.encryption.to_self);
    EXPECT_FALSE(c.encryption.notify_failures);
    EXPECT_FALSE(c.encryption.compress);
    EXPECT_FALSE(c.encryption.transport_by_ip);

    EXPECT_TRUE(c.decryption.enabled);

    EXPECT_TRUE(c.keys.auto_import);
    EXPECT_TRUE(c.keys.email_on_request);
    EXPECT_FALSE(c.keys.auto_create);
    EXPECT_EQ(c.keys.key_algorithm, KeyAlgorithm::Ed25519);
    EXPECT_EQ(c.keys.rsa_key_bits, 2048);
    EXPECT_EQ(c.keys.key_expiry_days, 0);
    EXPECT_FALSE(c.keys.serve_http);
    EXPECT_TRUE(c.keys.rkey);

    EXPECT_TRUE(c.discovery.pka);
    EXPECT_EQ(c.discovery.pka_cache_hours, 12);
    EXPECT_TRUE(c.discovery.wkd);
    EXPECT_TRUE(c.discovery.dane);
    EXPECT_FALSE(c.discovery.autocrypt);

    EXPECT_EQ(c.limits.max_message_bytes, 50u * 1024 * 1024);
    EXPECT_EQ(c.limits.max_decompressed_bytes, 256u * 1024 * 1024);
    EXPECT_EQ(c.limits.max_mime_depth, 64);
    EXPECT_EQ(c.limits.max_signatures, 100);

    EXPECT_EQ(c.keystore.backend, KeystoreBackend::Sqlite);
    EXPECT_EQ(c.log.level, log::Level::Info);
    EXPECT_EQ(c.relay.next_hop, "smtp://127.0.0.1:10027");
    EXPECT_EQ(c.smtp.hostname, "");
    EXPECT_EQ(c.smtp.tls_certificate, "tls/cert.pem");
    EXPECT_EQ(c.smtp.tls_key, "tls/key.pem");
    EXPECT_EQ(c.smtp.max_recipients, 1000);
    EXPECT_EQ(c.smtp.max_errors, 10);
    EXPECT_EQ(c.smtp.max_connections, 1000);
    EXPECT_EQ(c.smtp.max_connections_per_client, 100);
    EXPECT_EQ(c.smtp.command_timeout_seconds, 300);
    EXPECT_EQ(c.smtp.data_timeout_seconds, 180);
    EXPECT_EQ(c.smtp.workers, 0);
    EXPECT_EQ(c.http.address, "127.0.0.1:9025");
    EXPECT_EQ(c.keyserver.address, "127.0.0.1:9026");
    EXPECT_EQ(c.keyserver.public_url, "");
    EXPECT_EQ(c.discovery.resolver, "");
    EXPECT_EQ(c.discovery.https_port, 443);
    EXPECT_EQ(c.discovery.lookup_timeout_ms, 3000);
    EXPECT_EQ(c.discovery.max_wait_ms, 5000);
    EXPECT_EQ(c.discovery.negative_cache_minutes, 60);
    EXPECT_EQ(c.discovery.max_key_bytes, std::size_t{1} << 20);

    ASSERT_EQ(c.listeners.size(), 2u);
    EXPECT_EQ(c.listeners[0].address, "127.0.0.1:10025");
    EXPECT_EQ(c.listeners[0].role, ListenerRole::Submission);
    EXPECT_EQ(c.listeners[1].address, "127.0.0.1:10026");
    EXPECT_EQ(c.listeners[1].role, ListenerRole::Inbound);
    EXPECT_TRUE(c.listeners[0].starttls);
    EXPECT_FALSE(c.listeners[0].require_auth);
    EXPECT_TRUE(c.listeners[0].trust_xforward);

    // Catches a field added to Config but not to the checks above or to the text.
    EXPECT_TRUE(c == Config{});
}

TEST(ConfigDefaults, DefaultTextFitsOneHundredColumns) {
    std::istringstream lines(default_file_text());
    std::string line;
    while (std::getline(lines, line)) {
        EXPECT_LE(line.size(), 100u) << line;
    }
}

TEST(ConfigDefaults, EmptyFileTakesEveryDefault) {
    EXPECT_TRUE(parse("", "empty.toml") == Config{});
    EXPECT_TRUE(parse("# nothing but a comment\n", "empty.toml") == Config{});
}

TEST(ConfigParse, PartialFileKeepsTheOtherDefaults) {
    Config c = parse(
        "[keys]\nauto_create = true\nkey_algorithm = \"rsa\"\nrsa_key_bits = 4096\n"
        "[discovery]\npka_cache_hours = 1\n[log]\nlevel = \"debug\"\n",
        "partial.toml");

    Config expected;
    expected.keys.auto_create = true;
    expected.keys.key_algorithm = KeyAlgorithm::Rsa;
    expected.keys.rsa_key_bits = 4096;
    expected.discovery.pka_cache_hours = 1;
    expected.log.level = log::Level::Debug;
    EXPECT_TRUE(c == expected);
}

TEST(ConfigParse, ListenerTablesReplaceTheDefaultListeners) {
    Config c = parse("[[listener]]\naddress = \"[::1]:2525\"\nrole = \"inbound\"\n", "l.toml");
    ASSERT_EQ(c.listeners.size(), 1u);
    EXPECT_EQ(c.listeners[0].address, "[::1]:2525");
    EXPECT_EQ(c.listeners[0].role, ListenerRole::Inbound);

    EXPECT_TRUE(parse("listener = []\n", "l.toml").listeners.empty());
}

TEST(ConfigParse, NextHopTakesEachKindOfUri) {
    for (const char* uri :
         {"smtp://127.0.0.1:10027", "smtp://[::1]:25?tls=required", "lmtp://127.0.0.1:24",
          "lmtp:unix:/run/dovecot/lmtp", "maildir:/srv/mail", "127.0.0.1:10027"}) {
        auto text = std::string("[relay]\nnext_hop = \"") + uri + "\"\n";
        EXPECT_EQ(parse(text, "r.toml").relay.next_hop, uri);
    }
    EXPECT_NE(error_of("[relay]\nnext_hop = \"ftp://x:1\"\n").find("relay.next_hop: must be"),
              std::string::npos);
    EXPECT_NE(error_of("[relay]\nnext_hop = \"smtp://x\"\n").find("relay.next_hop: must be"),
              std::string::npos);
}

TEST(ConfigParse, DiscoveryResolverAndKeyserverUrl) {
    auto c = parse(
        "[discovery]\nresolver = \"127.0.0.1:5353\"\nunbound_config = \"/etc/u.conf\"\n"
        "[keyserver]\npublic_url = \"https://keys.example.org\"\n",
        "d.toml");
    EXPECT_EQ(c.discovery.resolver, "127.0.0.1:5353");
    EXPECT_EQ(c.discovery.unbound_config, "/etc/u.conf");
    EXPECT_EQ(c.keyserver.public_url, "https://keys.example.org");
    EXPECT_EQ(parse("[discovery]\nresolver = \"192.0.2.53\"\n", "d.toml").discovery.resolver,
              "192.0.2.53");
    EXPECT_NE(error_of("[discovery]\nresolver = \"dns server\"\n").find("discovery.resolver"),
              std::string::npos);
    EXPECT_NE(error_of("[keyserver]\npublic_url = \"ftp://x\"\n").find("keyserver.public_url"),
              std::string::npos);
}

TEST(ConfigParse, KeyserverHttpsNeedsCertificateAndKey) {
    auto c = parse("[keyserver]\ntls_certificate = \"tls/keys.pem\"\ntls_key = \"tls/keys.key\"\n",
                   "k.toml");
    EXPECT_EQ(c.keyserver.tls_certificate, "tls/keys.pem");
    EXPECT_EQ(c.keyserver.tls_key, "tls/keys.key");
    EXPECT_NE(error_of("[keyserver]\ntls_certificate = \"c.pem\"\n").find("keyserver.tls_key"),
              std::string::npos);
    EXPECT_NE(error_of("[keyserver]\ntls_key = \"k.pem\"\n").find("keyserver.tls_certificate"),
              std::string::npos);
}

TEST(ConfigParse, ListenerOnTheNextHopIsALoop) {
    auto text = std::string(
        "[relay]\nnext_hop = \"smtp://127.0.0.1:2525\"\n"
        "[[listener]]\naddress = \"127.0.0.1:2525\"\nrole = \"inbound\"\n");
    EXPECT_NE(error_of(text).find("mail would loop"), std::string::npos);
}

TEST(ConfigParse, ListenerSwitchesAndSmtpLimits) {
    Config c = parse(
        "[smtp]\nmax_recipients = 5\ncommand_timeout_seconds = 2\n"
        "[[listener]]\naddress = \"127.0.0.1:587\"\nrole = \"submission\"\n"
        "require_auth = true\nstarttls = false\ntrust_xforward = false\n",
        "s.toml");
    EXPECT_EQ(c.smtp.max_recipients, 5);
    EXPECT_EQ(c.smtp.command_timeout_seconds, 2);
    ASSERT_EQ(c.listeners.size(), 1u);
    EXPECT_TRUE(c.listeners[0].require_auth);
    EXPECT_FALSE(c.listeners[0].starttls);
    EXPECT_FALSE(c.listeners[0].trust_xforward);
    EXPECT_NE(error_of("[smtp]\nmax_recipients = 0\n").find("smtp.max_recipients"),
              std::string::npos);
}

TEST(ConfigParse, EmptyNextHopMeansEdgeMode) {
    EXPECT_EQ(parse("[relay]\nnext_hop = \"\"\n", "r.toml").relay.next_hop, "");
    EXPECT_EQ(parse("[relay]\nnext_hop = \"mx.example.org:25\"\n", "r.toml").relay.next_hop,
              "mx.example.org:25");
}

TEST(ConfigErrors, UnknownKeysAreRefused) {
    EXPECT_EQ(error_of("[service]\nenabled = true\nenabeld = false\n"),
              "test.toml:3:1: service.enabeld: unknown key");
    EXPECT_EQ(error_of("\n[servise]\n"), "test.toml:2:2: servise: unknown key");
    EXPECT_EQ(error_of("[keys.extra]\n"), "test.toml:1:7: keys.extra: unknown key");
    EXPECT_EQ(error_of("[[listener]]\naddress = \"a:1\"\nrole = \"inbound\"\nport = 25\n"),
              "test.toml:4:1: listener[0].port: unknown key");
}

TEST(ConfigErrors, WrongTypesAreRefused) {
    EXPECT_EQ(error_of("[service]\nenabled = \"yes\"\n"),
              "test.toml:2:11: service.enabled: expected a boolean (true or false), got a string");
    EXPECT_EQ(error_of("[discovery]\npka_cache_hours = 1.5\n"),
              "test.toml:2:19: discovery.pka_cache_hours: expected an integer, got a "
              "floating-point number");
    EXPECT_EQ(error_of("[relay]\nnext_hop = 25\n"),
              "test.toml:2:12: relay.next_hop: expected a string, got an integer");
    EXPECT_EQ(error_of("service = true\n"),
              "test.toml:1:11: service: expected a table ([service]), got a boolean");
    EXPECT_EQ(error_of("[listener]\naddress = \"a:1\"\n"),
              "test.toml:1:1: listener: expected [[listener]] tables");
}

TEST(ConfigErrors, OutOfRangeValuesAreRefused) {
    EXPECT_EQ(error_of("[discovery]\npka_cache_hours = 0\n"),
              "test.toml:2:19: discovery.pka_cache_hours: must be at least 1, got 0");
    EXPECT_EQ(error_of("[keys]\nkey_expiry_days = -1\n"),
              "test.toml:2:19: keys.key_expiry_days: must be at least 0, got -1");
    EXPECT_EQ(error_of("[keys]\nkey_expiry_days = 50000\n"),
              "test.toml:2:19: keys.key_expiry_days: must be at most 49710, got 50000");
    EXPECT_EQ(error_of("[limits]\nmax_mime_depth = 0\n"),
              "test.toml:2:18: limits.max_mime_depth: must be at least 1, got 0");
    EXPECT_EQ(error_of("[limits]\nmax_signatures = 3000000000\n"),
              "test.toml:2:18: limits.max_signatures: must be at most 2147483647, got 3000000000");
}

TEST(ConfigErrors, KeyChoicesAreChecked) {
    EXPECT_EQ(error_of("[keys]\nkey_algorithm = \"dsa\"\n"),
              "test.toml:2:17: keys.key_algorithm: must be \"ed25519\" or \"rsa\", got \"dsa\"");
    EXPECT_EQ(error_of("[keys]\nrsa_key_bits = 1000\n"),
              "test.toml:2:16: keys.rsa_key_bits: must be 1024, 2048, 3072 or 4096, got 1000");
    EXPECT_EQ(error_of("[keys]\nrsa_key_bits = -2048\n"),
              "test.toml:2:16: keys.rsa_key_bits: must be 1024, 2048, 3072 or 4096, got -2048");
    EXPECT_EQ(error_of("[log]\nlevel = \"verbose\"\n"),
              "test.toml:2:9: log.level: must be \"trace\", \"debug\", \"info\", \"warn\" or "
              "\"error\", got \"verbose\"");
    EXPECT_EQ(error_of("[keystore]\nbackend = \"mysql\"\n"),
              "test.toml:2:11: keystore.backend: must be \"sqlite\", got \"mysql\"");
}

TEST(ConfigErrors, ListenersAreChecked) {
    EXPECT_EQ(error_of("[[listener]]\nrole = \"inbound\"\n"),
              "test.toml:1:1: listener[0].address: missing");
    EXPECT_EQ(error_of("[[listener]]\naddress = \"localhost\"\nrole = \"inbound\"\n"),
              "test.toml:2:11: listener[0].address: must be host:port, got \"localhost\"");
    EXPECT_EQ(error_of("[[listener]]\naddress = \"a:1\"\nrole = \"outbound\"\n"),
              "test.toml:3:8: listener[0].role: must be \"submission\" or \"inbound\", "
              "got \"outbound\"");
    EXPECT_EQ(error_of("[[listener]]\naddress = \"a:1\"\nrole = \"inbound\"\n"
                       "[[listener]]\naddress = \"a:1\"\nrole = \"submission\"\n"),
              "test.toml:5:11: listener[1].address: already used by listener[0]");
    EXPECT_EQ(error_of("[[listener]]\naddress = \"127.0.0.1:10027\"\nrole = \"inbound\"\n"),
              "test.toml:2:11: listener[0].address: same as relay.next_hop, so mail would loop");
}

TEST(ConfigErrors, NextHopMustBeHostAndPort) {
    EXPECT_EQ(error_of("[relay]\nnext_hop = \"mx.example.org\"\n"),
              "test.toml:2:12: relay.next_hop: must be smtp://host:port, lmtp://host:port, "
              "lmtp:unix:/path, "
              "maildir:/path or empty, got \"mx.example.org\"");
    EXPECT_EQ(error_of("[relay]\nnext_hop = \"::1:25\"\n"),
              "test.toml:2:12: relay.next_hop: must be smtp://host:port, lmtp://host:port, "
              "lmtp:unix:/path, "
              "maildir:/path or empty, got \"::1:25\"");
    EXPECT_EQ(error_of("[relay]\nnext_hop = \"a:65536\"\n"),
              "test.toml:2:12: relay.next_hop: must be smtp://host:port, lmtp://host:port, "
              "lmtp:unix:/path, "
              "maildir:/path or empty, got \"a:65536\"");
}

TEST(ConfigErrors, SyntaxErrorsNameTheLine) {
    std::string message = error_of("[service]\nenabled = tru\n");
    EXPECT_EQ(message.rfind("test.toml:2:", 0), 0u) << message;
}

TEST(ConfigErrors, MessagesStayOnOneLine) {
    std::string message = error_of("\"a\\nb\" = 1\n");
    EXPECT_EQ(message, "test.toml:1:1: a\\x0ab: unknown key");
}

TEST(ConfigLoad, LoadsAFileAndNamesItInErrors) {
    auto dir =
        std::filesystem::temp_directory_path() / ("sealpost-config-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    files::write_atomic(dir / "sealpost.toml", default_file_text());
    EXPECT_TRUE(load(dir / "sealpost.toml") == Config{});

    files::write_atomic(dir / "bad.toml", "[log]\nlevel = 3\n");
    try {
        load(dir / "bad.toml");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), (dir / "bad.toml").string() +
                                             ":2:9: log.level: expected a string, got an integer");
    }
    std::filesystem::remove_all(dir);
}

TEST(ConfigLoad, MissingFileIsNotFound) {
    try {
        load("/nonexistent/sealpost/sealpost.toml");
        ADD_FAILURE() << "no error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

}  // namespace sealpost::config
