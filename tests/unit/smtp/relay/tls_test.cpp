// STARTTLS towards the next hop: required and not offered, opportunistic with a self-signed
// certificate, required on loopback, and a failed handshake in opportunistic mode.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace sealpost::testing {
namespace {

using RelayTlsTest = RelayTest;

class ServerContext {
public:
    ServerContext() : context_(make_self_signed_context()) {}
    ~ServerContext() { SSL_CTX_free(context_); }
    ServerContext(const ServerContext&) = delete;
    ServerContext& operator=(const ServerContext&) = delete;
    SSL_CTX* get() const { return context_; }

private:
    SSL_CTX* context_;
};

void expect_no_failures(FakeServer& server) {
    server.join();
    for (const auto& failure : server.failures()) {
        ADD_FAILURE() << failure;
    }
}

TEST_F(RelayTlsTest, RequiredButNotOfferedDefers) {
    FakeServer server([&](Peer& peer, int) { greet(peer, {"PIPELINING"}); });
    auto hop = make_hop(server.uri() + "?tls=required");
    auto outcomes = deliver(*hop, sample_message());
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.7.4");
    EXPECT_EQ(outcomes[0].text, "next hop " + server.uri() +
                                    ": TLS is required but the server does not offer STARTTLS");
}

TEST_F(RelayTlsTest, RequiredButRefusedDefers) {
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"STARTTLS"});
        peer.expect("STARTTLS");
        peer.send("454 4.7.0 TLS not available due to local problem");
    });
    auto hop = make_hop(server.uri() + "?tls=required");
    auto outcomes = deliver(*hop, sample_message());
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.7.4");
}

// The dialogue of a server that offers STARTTLS: handshake, EHLO again, one transaction.
void serve_over_tls(Peer& peer, SSL_CTX* context, const OutgoingMessage& message, bool& tls) {
    greet(peer, {"STARTTLS"});
    peer.expect("STARTTLS");
    peer.send("220 2.0.0 Ready to start TLS");
    peer.start_tls(context);
    tls = peer.tls();
    peer.expect("EHLO relay.test");
    peer.send("250 fake.test");
    accept_transaction(peer, message);
    peer.send("250 2.0.0 Ok over TLS");
}

TEST_F(RelayTlsTest, OpportunisticUsesStarttlsWithASelfSignedCertificate) {
    ServerContext context;
    auto message = sample_message();
    bool tls = false;
    FakeServer server([&](Peer& peer, int) { serve_over_tls(peer, context.get(), message, tls); });
    auto hop = make_hop(server.uri() + "?tls=opportunistic");
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_TRUE(tls);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].text, "Ok over TLS");
}

TEST_F(RelayTlsTest, RequiredOnLoopbackAcceptsASelfSignedCertificate) {
    ServerContext context;
    auto message = sample_message();
    bool tls = false;
    FakeServer server([&](Peer& peer, int) { serve_over_tls(peer, context.get(), message, tls); });
    auto hop = make_hop(server.uri() + "?tls=required");
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_TRUE(tls);
    EXPECT_EQ(outcomes[0].code, 250);
}

TEST_F(RelayTlsTest, OpportunisticFallsBackToPlaintextWhenTheHandshakeFails) {
    auto message = sample_message();
    FakeServer server(
        [&](Peer& peer, int connection) {
            if (connection == 0) {
                greet(peer, {"STARTTLS"});
                peer.expect("STARTTLS");
                // Plaintext after the 220, in the same segment: an injection to refuse.
                peer.send_raw("220 2.0.0 Ready to start TLS\r\nMAIL FROM:<evil@x>\r\n");
                peer.wait_for_close();
                return;
            }
            greet(peer, {"STARTTLS"});  // the client must not try again on this connection
            accept_transaction(peer, message);
            peer.send("250 2.0.0 Ok in plaintext");
        },
        2);
    auto hop = make_hop(server.uri());  // tls=opportunistic is the default
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].text, "Ok in plaintext");
}

TEST_F(RelayTlsTest, RequiredAndHandshakeFailsDefers) {
    SSL_CTX* without_certificate = SSL_CTX_new(TLS_server_method());
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"STARTTLS"});
        peer.expect("STARTTLS");
        peer.send("220 2.0.0 Ready to start TLS");
        EXPECT_THROW(peer.start_tls(without_certificate), std::runtime_error);
    });
    auto hop = make_hop(server.uri() + "?tls=required");
    auto outcomes = deliver(*hop, sample_message());
    expect_no_failures(server);
    SSL_CTX_free(without_certificate);

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.7.5");
    EXPECT_NE(outcomes[0].text.find("TLS handshake failed"), std::string::npos) << outcomes[0].text;
}

TEST_F(RelayTlsTest, NoneNeverSendsStarttls) {
    auto message = sample_message();
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"STARTTLS"});
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri() + "?tls=none");
    EXPECT_EQ(deliver(*hop, message)[0].code, 250);
    expect_no_failures(server);
}

}  // namespace
}  // namespace sealpost::testing
