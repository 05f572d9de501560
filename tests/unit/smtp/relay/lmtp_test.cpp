// The LMTP next hop (RFC 2033): LHLO, and one reply per accepted recipient after the dot, over
// TCP and over a Unix socket.
#include <gtest/gtest.h>

#include "support/temp_dir.hpp"
#include "test_support.hpp"

namespace sealpost::testing {
namespace {

using LmtpTest = RelayTest;

void expect_no_failures(FakeServer& server) {
    server.join();
    for (const auto& failure : server.failures()) {
        ADD_FAILURE() << failure;
    }
}

// LHLO with PIPELINING, then bob and carol accepted at RCPT, dave refused; after the dot
// bob gets 250 and carol 452.
void serve_lmtp(Peer& peer) {
    peer.send("220 lmtp.test LMTP ready");
    peer.expect("LHLO relay.test");
    peer.send("250-lmtp.test");
    peer.send("250-PIPELINING");
    peer.send("250 ENHANCEDSTATUSCODES");
    peer.expect("MAIL FROM:<alice@example.org>");
    peer.expect("RCPT TO:<bob@example.org>");
    peer.expect("RCPT TO:<carol@example.org>");
    peer.expect("RCPT TO:<dave@example.org>");
    peer.expect("DATA");
    peer.send("250 2.1.0 OK");
    peer.send("250 2.1.5 OK");
    peer.send("250 2.1.5 OK");
    peer.send("550 5.1.1 <dave@example.org> User doesn't exist");
    peer.send("354 OK");
    peer.read_data();
    peer.send("250 2.0.0 <bob@example.org> Saved");
    peer.send("452 4.2.2 <carol@example.org> Quota exceeded");
}

void check_outcomes(const std::vector<RecipientOutcome>& outcomes) {
    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].text, "<bob@example.org> Saved");
    EXPECT_EQ(outcomes[1].code, 452);
    EXPECT_EQ(outcomes[1].enhanced, "4.2.2");
    EXPECT_EQ(outcomes[2].code, 550);
}

OutgoingMessage three_recipients() {
    return sample_message({"bob@example.org", "carol@example.org", "dave@example.org"});
}

TEST_F(LmtpTest, OneReplyPerAcceptedRecipientOverTcp) {
    FakeServer server([&](Peer& peer, int) { serve_lmtp(peer); });
    auto hop = make_hop(server.uri("lmtp"));
    auto outcomes = deliver(*hop, three_recipients());
    expect_no_failures(server);
    check_outcomes(outcomes);
    EXPECT_EQ(hop->describe(), server.uri("lmtp"));
}

TEST_F(LmtpTest, OneReplyPerAcceptedRecipientOverAUnixSocket) {
    TempDir dir;
    auto socket = dir.path() / "lmtp";
    FakeServer server(socket, [&](Peer& peer, int) { serve_lmtp(peer); });
    auto hop = make_hop("lmtp:unix:" + socket.string());
    auto outcomes = deliver(*hop, three_recipients());
    expect_no_failures(server);
    check_outcomes(outcomes);
    EXPECT_EQ(hop->describe(), "lmtp:unix:" + socket.string());
}

TEST_F(LmtpTest, LostConnectionBetweenRepliesDefersOnlyTheUnanswered) {
    auto message = sample_message({"bob@example.org", "carol@example.org"});
    FakeServer server([&](Peer& peer, int) {
        peer.send("220 lmtp.test LMTP ready");
        peer.expect("LHLO relay.test");
        peer.send("250 lmtp.test");
        accept_transaction(peer, message);
        peer.send("250 2.0.0 <bob@example.org> Saved");
        throw Hangup{};
    });
    auto hop = make_hop(server.uri("lmtp"));
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[1].code, 451);
    EXPECT_EQ(outcomes[1].enhanced, "4.4.2");
}

TEST_F(LmtpTest, MissingSocketDefers) {
    TempDir dir;
    auto hop = make_hop("lmtp:unix:" + (dir.path() / "absent").string());
    auto outcomes = deliver(*hop, sample_message());
    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.4.1");
    EXPECT_NE(outcomes[0].text.find("no such file or directory"), std::string::npos)
        << outcomes[0].text;
}

}  // namespace
}  // namespace sealpost::testing
