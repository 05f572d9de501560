// STARTTLS (RFC 3207): the upgrade, what is forgotten, and the CVE-2011-0411 injection.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace sealpost::smtp::testing {

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

ListenerSettings tls_listener() {
    static std::shared_ptr<boost::asio::ssl::context> context = make_test_tls_context();
    ListenerSettings settings = test_listener();
    settings.tls = context;
    return settings;
}

}  // namespace

TEST(SessionTls, StartTlsThenATransactionOverTls) {
    TestServer server(tls_listener());
    Client client(server.port());
    client.read_reply();
    EXPECT_TRUE(contains(client.command("EHLO client.example"), "STARTTLS\r\n"));
    EXPECT_EQ(client.command("STARTTLS"), "220 2.0.0 Ready to start TLS\r\n");
    client.start_tls();
    // RFC 3207 §4.2: the client must say EHLO again, and STARTTLS is no longer offered.
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org>"),
              "503 5.5.1 Error: send HELO/EHLO first\r\n");
    std::string ehlo = client.command("EHLO client.example");
    EXPECT_FALSE(contains(ehlo, "STARTTLS"));
    EXPECT_EQ(client.command("STARTTLS"), "503 5.5.1 Error: TLS already active\r\n");
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    EXPECT_EQ(code_of(client.command("secret\r\n.")), 250);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_TRUE(server.handler.transactions()[0].client.tls);
    EXPECT_EQ(server.handler.transactions()[0].client.helo, "client.example");
}

TEST(SessionTls, CommandsPipelinedAfterStartTlsAreDiscarded) {
    TestServer server(tls_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    // CVE-2011-0411: a man in the middle appends commands to the plaintext STARTTLS; they
    // must not be run as if the client had sent them over TLS.
    client.send("STARTTLS\r\nMAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.net>\r\n");
    EXPECT_EQ(client.read_reply(), "220 2.0.0 Ready to start TLS\r\n");
    client.start_tls();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("RCPT TO:<bob@example.net>"),
              "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_EQ(client.command("DATA"), "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_TRUE(server.handler.transactions().empty());
}

TEST(SessionTls, StartTlsNeedsEhloNoArgumentAndNoTransaction) {
    TestServer server(tls_listener());
    Client client(server.port());
    client.read_reply();
    EXPECT_EQ(code_of(client.command("STARTTLS")), 503);
    client.command("EHLO client.example");
    EXPECT_EQ(code_of(client.command("STARTTLS now")), 501);
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(client.command("STARTTLS"),
              "503 5.5.1 Error: STARTTLS not allowed in a mail transaction\r\n");
}

TEST(SessionTls, FailedHandshakeEndsOnlyThatSession) {
    TestServer server(tls_listener());
    {
        Client client(server.port());
        client.read_reply();
        client.command("EHLO client.example");
        client.command("STARTTLS");
        client.send("this is not a TLS client hello\r\n");
        EXPECT_TRUE(client.closed_by_server());
    }
    Client next(server.port());
    EXPECT_EQ(code_of(next.read_reply()), 220);
}

}  // namespace sealpost::smtp::testing
