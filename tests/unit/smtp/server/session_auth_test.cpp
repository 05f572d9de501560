// AUTH PLAIN and LOGIN (RFC 4954, 4616) and XFORWARD from a trusted front MTA.
#include <gtest/gtest.h>

#include "smtp/server/codec.hpp"
#include "test_support.hpp"

namespace sealpost::smtp::testing {

namespace {

using server::encode_base64;

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::string plain(std::string_view user, std::string_view password) {
    return encode_base64(std::string("\0", 1) + std::string(user) + '\0' + std::string(password));
}

ListenerSettings auth_listener() {
    ListenerSettings settings = test_listener();
    settings.offer_auth = true;
    return settings;
}

void send_message(Client& client) {
    EXPECT_EQ(code_of(client.command("MAIL FROM:<alice@example.org>")), 250);
    EXPECT_EQ(code_of(client.command("RCPT TO:<bob@example.net>")), 250);
    EXPECT_EQ(code_of(client.command("DATA")), 354);
    EXPECT_EQ(code_of(client.command("x\r\n.")), 250);
}

}  // namespace

TEST(SessionAuth, PlainOnLoopbackWhenLoopbackCountsAsSafe) {
    TestServer server(auth_listener());
    Client client(server.port());
    client.read_reply();
    EXPECT_TRUE(contains(client.command("EHLO client.example"), "250 AUTH PLAIN LOGIN\r\n"));
    EXPECT_EQ(client.command("AUTH PLAIN " + plain("alice", "secret")),
              "235 2.7.0 Authentication successful\r\n");
    EXPECT_EQ(client.command("AUTH PLAIN " + plain("alice", "secret")),
              "503 5.5.1 Error: already authenticated\r\n");
    send_message(client);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_EQ(server.handler.transactions()[0].client.authenticated_user, "alice");
}

TEST(SessionAuth, RefusedWithoutTlsWhenLoopbackDoesNotCount) {
    ListenerSettings settings = auth_listener();
    settings.auth_on_loopback_without_tls = false;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    EXPECT_FALSE(contains(client.command("EHLO client.example"), "AUTH"));
    EXPECT_EQ(client.command("AUTH PLAIN " + plain("alice", "secret")),
              "538 5.7.11 Encryption required for requested authentication mechanism\r\n");
    EXPECT_TRUE(server.handler.auth_users().empty());
}

TEST(SessionAuth, LoginWithChallengesOverTls) {
    ListenerSettings settings = auth_listener();
    settings.auth_on_loopback_without_tls = false;
    settings.tls = make_test_tls_context();
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("STARTTLS");
    client.start_tls();
    EXPECT_TRUE(contains(client.command("EHLO client.example"), "250 AUTH PLAIN LOGIN\r\n"));
    EXPECT_EQ(client.command("AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");            // "Username:"
    EXPECT_EQ(client.command(encode_base64("alice")), "334 UGFzc3dvcmQ6\r\n");  // "Password:"
    EXPECT_EQ(client.command(encode_base64("secret")), "235 2.7.0 Authentication successful\r\n");
    send_message(client);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_EQ(server.handler.transactions()[0].client.authenticated_user, "alice");
    EXPECT_TRUE(server.handler.transactions()[0].client.tls);
}

TEST(SessionAuth, PlainWithEmptyChallengeAndLoginWithInitialResponse) {
    TestServer server(auth_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("AUTH PLAIN"), "334 \r\n");
    EXPECT_EQ(code_of(client.command(plain("alice", "wrong"))), 535);
    EXPECT_EQ(client.command("AUTH LOGIN " + encode_base64("alice")), "334 UGFzc3dvcmQ6\r\n");
    EXPECT_EQ(code_of(client.command(encode_base64("secret"))), 235);
    EXPECT_EQ(server.handler.auth_users(), (std::vector<std::string>{"alice", "alice"}));
}

TEST(SessionAuth, BadResponsesAndCancel) {
    TestServer server(auth_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("AUTH CRAM-MD5"),
              "504 5.5.4 Unrecognized authentication mechanism\r\n");
    EXPECT_EQ(client.command("AUTH PLAIN not*base64"),
              "501 5.5.2 Cannot decode the authentication response: not base64\r\n");
    EXPECT_EQ(code_of(client.command("AUTH PLAIN " + encode_base64("no separators"))), 501);
    EXPECT_EQ(client.command("AUTH LOGIN"), "334 VXNlcm5hbWU6\r\n");
    EXPECT_EQ(client.command("*"), "501 5.0.0 Authentication cancelled\r\n");
    // An authorization identity other than the user: no proxying.
    EXPECT_EQ(code_of(client.command("AUTH PLAIN " +
                                     encode_base64(std::string("bob\0alice\0secret", 16)))),
              535);
    EXPECT_TRUE(server.handler.auth_users().empty());
}

TEST(SessionAuth, FailedAttemptsAreLimited) {
    ListenerSettings settings = auth_listener();
    settings.limits.max_auth_failures = 2;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("AUTH PLAIN " + plain("alice", "guess1")),
              "535 5.7.8 Authentication credentials invalid\r\n");
    EXPECT_EQ(code_of(client.command("AUTH PLAIN " + plain("alice", "guess2"))), 535);
    EXPECT_EQ(client.read_reply(),
              "421 4.7.0 mx.test Error: too many failed authentication attempts\r\n");
    EXPECT_TRUE(client.closed_by_server());
}

TEST(SessionAuth, RequireAuthRefusesMailBeforeAuth) {
    ListenerSettings settings = auth_listener();
    settings.require_auth = true;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org>"),
              "530 5.7.0 Authentication required\r\n");
    EXPECT_EQ(code_of(client.command("AUTH PLAIN " + plain("alice", "secret"))), 235);
    send_message(client);
    EXPECT_EQ(code_of(client.command("AUTH PLAIN " + plain("alice", "secret"))), 503);
}

TEST(SessionXforward, TrustedFrontMtaPassesTheOriginalClient) {
    ListenerSettings settings = test_listener();
    settings.trust_xforward = true;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    EXPECT_TRUE(contains(client.command("EHLO front.example"),
                         "250 XFORWARD NAME ADDR PROTO HELO SOURCE\r\n"));
    EXPECT_EQ(client.command("XFORWARD NAME=mail.sender.example ADDR=192.0.2.7 PROTO=ESMTP"),
              "250 2.0.0 Ok\r\n");
    EXPECT_EQ(client.command("XFORWARD HELO=helo+2Bname.example SOURCE=REMOTE"),
              "250 2.0.0 Ok\r\n");
    send_message(client);
    // The attributes held for one transaction only.
    EXPECT_EQ(client.command("XFORWARD ADDR=IPV6:2001:db8::7 NAME=[UNAVAILABLE]"),
              "250 2.0.0 Ok\r\n");
    send_message(client);
    send_message(client);

    std::vector<Transaction> delivered = server.handler.transactions();
    ASSERT_EQ(delivered.size(), 3u);
    EXPECT_TRUE(delivered[0].client.forwarded);
    EXPECT_EQ(delivered[0].client.address, "192.0.2.7");
    EXPECT_EQ(delivered[0].client.name, "mail.sender.example");
    EXPECT_EQ(delivered[0].client.helo, "helo+name.example");
    EXPECT_EQ(delivered[1].client.address, "2001:db8::7");
    EXPECT_EQ(delivered[1].client.name, "[UNAVAILABLE]");
    EXPECT_EQ(delivered[1].client.helo, "front.example");
    EXPECT_FALSE(delivered[2].client.forwarded);
    EXPECT_EQ(delivered[2].client.address, "127.0.0.1");
}

TEST(SessionXforward, RefusesMalformedAttributesAndUntrustedClients) {
    ListenerSettings settings = test_listener();
    settings.trust_xforward = true;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO front.example");
    EXPECT_EQ(code_of(client.command("XFORWARD ADDR=not-an-ip")), 501);
    EXPECT_EQ(code_of(client.command("XFORWARD NAME=a+0D+0ABcc:+20x@evil.example")), 501);
    EXPECT_EQ(code_of(client.command("XFORWARD COLOR=blue")), 501);
    EXPECT_EQ(code_of(client.command("XFORWARD NAME")), 501);
    EXPECT_EQ(code_of(client.command("XFORWARD")), 501);
    EXPECT_EQ(code_of(client.command("XFORWARD PROTO=UUCP")), 501);
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(client.command("XFORWARD ADDR=192.0.2.7"),
              "503 5.5.1 Error: XFORWARD not permitted in a mail transaction\r\n");

    TestServer untrusted(test_listener());
    Client other(untrusted.port());
    other.read_reply();
    EXPECT_FALSE(contains(other.command("EHLO front.example"), "XFORWARD"));
    EXPECT_EQ(code_of(other.command("XFORWARD ADDR=192.0.2.7")), 550);
}

}  // namespace sealpost::smtp::testing
