// Reusing sessions to the next hop: one connection for several messages, RSET in between,
// a fresh connection when the pooled one has gone stale; and faults at every step of the
// dialogue never end in a false 250.
#include <gtest/gtest.h>

#include "smtp/relay/smtp_next_hop.hpp"
#include "test_support.hpp"

namespace sealpost::testing {
namespace {

using namespace std::chrono_literals;

using SessionPoolTest = RelayTest;

void expect_no_failures(FakeServer& server) {
    server.join();
    for (const auto& failure : server.failures()) {
        ADD_FAILURE() << failure;
    }
}

TEST_F(SessionPoolTest, SecondMessageReusesTheConnectionAfterRset) {
    auto first = sample_message({"bob@peer.test"});
    auto second = sample_message({"carol@peer.test"});
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"PIPELINING"});
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.expect("DATA");
        peer.send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead");
        peer.read_data();
        peer.send("250 2.0.0 first");
        peer.expect("RSET");
        peer.send("250 2.0.0 Ok");
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.expect("RCPT TO:<carol@peer.test>");
        peer.expect("DATA");
        peer.send("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead");
        peer.read_data();
        peer.send("250 2.0.0 second");
    });
    auto hop = make_hop(server.uri());
    auto first_outcomes = deliver(*hop, first);
    EXPECT_EQ(dynamic_cast<smtp::SmtpNextHop&>(*hop).idle_sessions(), 1u);
    auto second_outcomes = deliver(*hop, second);
    expect_no_failures(server);

    EXPECT_EQ(first_outcomes[0].text, "first");
    EXPECT_EQ(second_outcomes[0].text, "second");
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_FALSE(server.connection_waiting());
}

TEST_F(SessionPoolTest, StaleSessionIsReplacedByANewConnection) {
    auto message = sample_message();
    FakeServer server(
        [&](Peer& peer, int connection) {
            greet(peer);
            accept_transaction(peer, message);
            peer.send(connection == 0 ? "250 2.0.0 first" : "250 2.0.0 second");
            // then hang up: the pooled session is dead when the next message comes
        },
        2);
    auto hop = make_hop(server.uri());
    EXPECT_EQ(deliver(*hop, message)[0].text, "first");
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].text, "second");
    EXPECT_EQ(server.accepted(), 2);
}

TEST_F(SessionPoolTest, RsetRefusedMeansANewConnection) {
    auto message = sample_message();
    FakeServer server(
        [&](Peer& peer, int connection) {
            greet(peer);
            if (connection == 0) {
                accept_transaction(peer, message);
                peer.send("250 2.0.0 first");
                peer.expect("RSET");
                peer.send("500 5.5.1 confused");
                peer.wait_for_close();
                return;
            }
            accept_transaction(peer, message);
            peer.send("250 2.0.0 second");
        },
        2);
    auto hop = make_hop(server.uri());
    deliver(*hop, message);
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].text, "second");
}

TEST_F(SessionPoolTest, NoIdleSessionsWhenThePoolSizeIsZero) {
    auto message = sample_message();
    bool quit_seen = false;
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
        peer.expect("QUIT");
        quit_seen = true;
        peer.send("221 2.0.0 Bye");
    });
    auto options = quick_options();
    options.max_idle_connections = 0;
    auto hop = make_hop(server.uri(), options);
    deliver(*hop, message);
    io_.restart();
    io_.run_for(500ms);  // the QUIT runs in the background
    expect_no_failures(server);
    EXPECT_TRUE(quit_seen);
    EXPECT_EQ(dynamic_cast<smtp::SmtpNextHop&>(*hop).idle_sessions(), 0u);
}

TEST_F(SessionPoolTest, IdleSessionIsClosedWithQuitAfterTheIdleTimeout) {
    auto message = sample_message();
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
        peer.expect("QUIT");
        peer.send("221 2.0.0 Bye");
    });
    auto options = quick_options();
    options.idle_timeout = 1s;
    auto hop = make_hop(server.uri(), options);
    deliver(*hop, message);
    auto& smtp_hop = dynamic_cast<smtp::SmtpNextHop&>(*hop);
    EXPECT_EQ(smtp_hop.idle_sessions(), 1u);
    io_.restart();
    io_.run_for(2s);
    expect_no_failures(server);
    EXPECT_EQ(smtp_hop.idle_sessions(), 0u);
}

TEST_F(SessionPoolTest, ConcurrentDeliveriesEachUseTheirOwnConnection) {
    auto first = sample_message({"bob@peer.test"});
    auto second = sample_message({"carol@peer.test"});
    FakeServer server(
        [&](Peer& peer, int) {
            greet(peer);
            // Which delivery came first is up to the scheduler; answer whichever it is.
            peer.expect("MAIL FROM:<alice@example.org>");
            peer.send("250 2.1.0 Ok");
            auto rcpt = peer.read_line();
            peer.send("250 2.1.5 Ok");
            peer.expect("DATA");
            peer.send("354 go ahead");
            peer.read_data();
            peer.send("250 2.0.0 for " + rcpt);
        },
        2);
    auto hop = make_hop(server.uri());
    auto outcomes = deliver_together(*hop, {first, second});
    expect_no_failures(server);

    EXPECT_EQ(server.accepted(), 2);
    EXPECT_EQ(outcomes[0][0].text, "for RCPT TO:<bob@peer.test>");
    EXPECT_EQ(outcomes[1][0].text, "for RCPT TO:<carol@peer.test>");
    EXPECT_EQ(dynamic_cast<smtp::SmtpNextHop&>(*hop).idle_sessions(), 2u);
}

// The server drops the connection after `fault` steps of the dialogue. Whatever the step,
// the recipient gets 451 unless the server said 250 after the dot, and then exactly that.
class RelayFaultAtEveryStep : public RelayTest, public ::testing::WithParamInterface<int> {};

TEST_P(RelayFaultAtEveryStep, EndsIn451OrTheServersOwn250) {
    auto message = sample_message({"bob@peer.test"});
    int fault = GetParam();
    bool final_reply_sent = false;
    FakeServer server([&](Peer& peer, int) {
        int step = 0;
        auto maybe_hang_up = [&] {
            if (step++ == fault) {
                throw Hangup{};
            }
        };
        maybe_hang_up();
        peer.send("220 fake.test ESMTP");
        maybe_hang_up();
        peer.expect("EHLO relay.test");
        maybe_hang_up();
        peer.send("250 fake.test");
        maybe_hang_up();
        peer.expect("MAIL FROM:<alice@example.org>");
        maybe_hang_up();
        peer.send("250 2.1.0 Ok");
        maybe_hang_up();
        peer.expect("RCPT TO:<bob@peer.test>");
        maybe_hang_up();
        peer.send("250 2.1.5 Ok");
        maybe_hang_up();
        peer.expect("DATA");
        maybe_hang_up();
        peer.send("354 go ahead");
        maybe_hang_up();
        peer.read_data();
        maybe_hang_up();
        peer.send("250 2.0.0 Ok");
        final_reply_sent = true;
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    ASSERT_EQ(outcomes.size(), 1u);
    if (final_reply_sent) {
        EXPECT_EQ(outcomes[0].code, 250);
    } else {
        EXPECT_EQ(outcomes[0].code, 451) << outcomes[0].text;
        EXPECT_EQ(outcomes[0].enhanced, fault <= 2 ? "4.4.1" : "4.4.2") << outcomes[0].text;
    }
}

INSTANTIATE_TEST_SUITE_P(Steps, RelayFaultAtEveryStep, ::testing::Range(0, 14));

}  // namespace
}  // namespace sealpost::testing
