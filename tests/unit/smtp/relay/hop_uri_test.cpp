// Parsing next hop URIs: every accepted form, its defaults, and clear refusals.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "smtp/relay/hop_uri.hpp"

namespace sealpost::smtp {
namespace {

TEST(HopUriTest, SmtpWithPortAndDefaults) {
    auto hop = parse_hop_uri("smtp://127.0.0.1:10027");
    EXPECT_EQ(hop.protocol, HopProtocol::Smtp);
    EXPECT_EQ(hop.host, "127.0.0.1");
    EXPECT_EQ(hop.port, 10027);
    EXPECT_EQ(hop.tls, TlsMode::Opportunistic);
    EXPECT_FALSE(hop.unix_socket());
    EXPECT_EQ(hop.describe(), "smtp://127.0.0.1:10027");

    auto plain = parse_hop_uri("smtp://mail.example.org");
    EXPECT_EQ(plain.host, "mail.example.org");
    EXPECT_EQ(plain.port, 25);
}

TEST(HopUriTest, TlsModes) {
    EXPECT_EQ(parse_hop_uri("smtp://h:25?tls=none").tls, TlsMode::None);
    EXPECT_EQ(parse_hop_uri("smtp://h?tls=opportunistic").tls, TlsMode::Opportunistic);
    EXPECT_EQ(parse_hop_uri("smtp://h:587?tls=required").tls, TlsMode::Required);
}

TEST(HopUriTest, Ipv6InBrackets) {
    auto hop = parse_hop_uri("smtp://[::1]:2525");
    EXPECT_EQ(hop.host, "::1");
    EXPECT_EQ(hop.port, 2525);
    EXPECT_EQ(hop.describe(), "smtp://[::1]:2525");
    EXPECT_EQ(parse_hop_uri("lmtp://[2001:db8::5]").port, 24);
}

TEST(HopUriTest, Lmtp) {
    auto tcp = parse_hop_uri("lmtp://127.0.0.1");
    EXPECT_EQ(tcp.protocol, HopProtocol::Lmtp);
    EXPECT_EQ(tcp.port, 24);
    EXPECT_EQ(tcp.tls, TlsMode::None);

    auto local = parse_hop_uri("lmtp:unix:/run/dovecot/lmtp");
    EXPECT_EQ(local.protocol, HopProtocol::Lmtp);
    EXPECT_TRUE(local.unix_socket());
    EXPECT_EQ(local.path, "/run/dovecot/lmtp");
    EXPECT_EQ(local.describe(), "lmtp:unix:/run/dovecot/lmtp");
}

TEST(HopUriTest, Maildir) {
    auto hop = parse_hop_uri("maildir:/var/mail/vhosts");
    EXPECT_EQ(hop.protocol, HopProtocol::Maildir);
    EXPECT_EQ(hop.path, "/var/mail/vhosts");
    EXPECT_FALSE(hop.unix_socket());
    EXPECT_EQ(hop.describe(), "maildir:/var/mail/vhosts");
}

void expect_refused(std::string_view uri, std::string_view reason) {
    try {
        parse_hop_uri(uri);
        ADD_FAILURE() << uri << " was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput) << uri;
        std::string what = e.what();
        EXPECT_NE(what.find(std::string(uri)), std::string::npos) << what;
        EXPECT_NE(what.find(std::string(reason)), std::string::npos) << what;
    }
}

TEST(HopUriTest, RefusesWhatItCannotUse) {
    expect_refused("", "expected smtp://HOST:PORT");
    expect_refused("http://example.org", "expected smtp://HOST:PORT");
    expect_refused("SMTP://example.org", "expected smtp://HOST:PORT");
    expect_refused("smtp://", "the host is missing");
    expect_refused("smtp://:25", "is not a host name");
    expect_refused("smtp://h:0", "not a number from 1 to 65535");
    expect_refused("smtp://h:65536", "not a number from 1 to 65535");
    expect_refused("smtp://h:2x5", "not a number from 1 to 65535");
    expect_refused("smtp://h:", "the port after ':' is missing");
    expect_refused("smtp://::1:25", "must be written in brackets");
    expect_refused("smtp://[::1", "closing ]");
    expect_refused("smtp://[nonsense]:25", "is not an IPv6 address");
    expect_refused("smtp://[::1]x", "unexpected text after the IPv6 address");
    expect_refused("smtp://user@h:25", "no user, no path");
    expect_refused("smtp://h:25/path", "no user, no path");
    expect_refused("smtp://h:25?tls=maybe", "tls must be none, opportunistic or required");
    expect_refused("smtp://h:25?verify=no", "the only query parameter is tls=");
    expect_refused("smtp://ho st:25", "is not a host name");
    expect_refused("lmtp://h:24?tls=required", "LMTP takes no parameters");
    expect_refused("lmtp:unix:relative/path", "must be absolute");
    expect_refused("lmtp:unix:", "must be absolute");
    expect_refused("maildir:var/mail", "must be absolute");
    expect_refused("maildir:/var/mail\n", "control character");
}

}  // namespace
}  // namespace sealpost::smtp
