// The SMTP next hop against a scripted server: the dialogue, PIPELINING, dot-stuffing, the
// outcome of each reply, failures of the hop itself, and the session pool.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace sealpost::testing {
namespace {

using namespace std::chrono_literals;

using SmtpNextHopTest = RelayTest;

void expect_no_failures(FakeServer& server) {
    server.join();
    for (const auto& failure : server.failures()) {
        ADD_FAILURE() << failure;
    }
}

TEST_F(SmtpNextHopTest, DeliversAndReportsTheReplyAfterTheDot) {
    auto message = sample_message();
    std::string received;
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        received = accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok: queued as 7B1C");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    ASSERT_EQ(outcomes.size(), 1u);
    EXPECT_EQ(outcomes[0].recipient, "bob@peer.test");
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].enhanced, "2.0.0");
    EXPECT_EQ(outcomes[0].text, "Ok: queued as 7B1C");
    EXPECT_TRUE(outcomes[0].accepted());
    EXPECT_EQ(received, message.data + ".\r\n");
    EXPECT_EQ(hop->describe(), server.uri());
}

TEST_F(SmtpNextHopTest, PipeliningSendsTheEnvelopeInOneBatch) {
    auto message = sample_message({"bob@peer.test", "carol@peer.test"});
    std::string batch;
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"PIPELINING"});
        // Before the server answers MAIL, the rest of the envelope must be there already.
        batch = peer.unread_input(5s, "DATA\r\n");
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(batch,
              "MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@peer.test>\r\n"
              "RCPT TO:<carol@peer.test>\r\nDATA\r\n");
    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[1].code, 250);
}

TEST_F(SmtpNextHopTest, WithoutPipeliningEachCommandWaitsForItsReply) {
    auto message = sample_message({"bob@peer.test", "carol@peer.test"});
    std::string early;
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"8BITMIME"});
        peer.expect("MAIL FROM:<alice@example.org> BODY=8BITMIME");
        early = peer.unread_input(300ms, "DATA\r\n");
        peer.send("250 2.1.0 Ok");
        peer.expect("RCPT TO:<bob@peer.test>");
        early += peer.unread_input(300ms, "DATA\r\n");
        peer.send("250 2.1.5 Ok");
        peer.expect("RCPT TO:<carol@peer.test>");
        peer.send("250 2.1.5 Ok");
        peer.expect("DATA");
        peer.send("354 go ahead");
        peer.read_data();
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(early, "");
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[1].code, 250);
}

TEST_F(SmtpNextHopTest, StuffsDotsAndSendsOnlyCrlfLineEnds) {
    auto message = sample_message();
    message.data = "Subject: dots\r\n\r\n.hidden\r\n..two\r\nbare\nlf\r\n.\r\nlast";
    std::string received;
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        received = accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(received,
              "Subject: dots\r\n\r\n..hidden\r\n...two\r\nbare\r\nlf\r\n..\r\nlast\r\n.\r\n");
    EXPECT_EQ(outcomes[0].code, 250);
}

TEST_F(SmtpNextHopTest, NullSenderSizeAndBodyParameters) {
    auto message = sample_message();
    message.sender = "";
    auto size = std::to_string(message.data.size());  // RFC 1870: before stuffing
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"SIZE 10240000", "8BITMIME"});
        peer.expect("MAIL FROM:<> SIZE=" + size + " BODY=8BITMIME");
        peer.send("250 2.1.0 Ok");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.send("250 2.1.5 Ok");
        peer.expect("DATA");
        peer.send("354 go ahead");
        peer.read_data();
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    EXPECT_EQ(deliver(*hop, message)[0].code, 250);
    expect_no_failures(server);
}

TEST_F(SmtpNextHopTest, EachRecipientGetsItsOwnRcptReply) {
    auto message = sample_message({"bob@peer.test", "nobody@peer.test", "busy@peer.test"});
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"PIPELINING", "ENHANCEDSTATUSCODES"});
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.expect("RCPT TO:<nobody@peer.test>");
        peer.expect("RCPT TO:<busy@peer.test>");
        peer.expect("DATA");
        peer.send("250 2.1.0 Ok");
        peer.send("250 2.1.5 Ok");
        peer.send("550 5.1.1 <nobody@peer.test>: Recipient address rejected");
        peer.send("452 4.2.2 Mailbox full");
        peer.send("354 go ahead");
        peer.read_data();
        peer.send("250-2.0.0 Ok: queued as 1A");
        peer.send("250 2.0.0 on two lines");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    ASSERT_EQ(outcomes.size(), 3u);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].text, "Ok: queued as 1A\non two lines");
    EXPECT_EQ(outcomes[1].recipient, "nobody@peer.test");
    EXPECT_EQ(outcomes[1].code, 550);
    EXPECT_EQ(outcomes[1].enhanced, "5.1.1");
    EXPECT_TRUE(outcomes[1].permanent());
    EXPECT_EQ(outcomes[1].text, "<nobody@peer.test>: Recipient address rejected");
    EXPECT_EQ(outcomes[2].code, 452);
    EXPECT_TRUE(outcomes[2].temporary());
}

TEST_F(SmtpNextHopTest, AllRecipientsRefusedSendsNoData) {
    auto message = sample_message({"nobody@peer.test"});
    std::string after_refusal;
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.send("250 2.1.0 Ok");
        peer.expect("RCPT TO:<nobody@peer.test>");
        peer.send("550 5.1.1 no such user");
        after_refusal = peer.unread_input(500ms, "DATA");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 550);
    EXPECT_EQ(after_refusal, "");
}

TEST_F(SmtpNextHopTest, RefusalAtMailAppliesToEveryRecipient) {
    auto message = sample_message({"bob@peer.test", "carol@peer.test"});
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"PIPELINING"});
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.expect("RCPT TO:<carol@peer.test>");
        peer.expect("DATA");
        peer.send("553 5.7.1 <alice@example.org>: Sender address rejected");
        peer.send("503 5.5.1 Error: need MAIL command");
        peer.send("503 5.5.1 Error: need MAIL command");
        peer.send("503 5.5.1 Error: need RCPT command");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.code, 553);
        EXPECT_EQ(outcome.enhanced, "5.7.1");
    }
}

TEST_F(SmtpNextHopTest, TemporaryFailureAfterTheDot) {
    auto message = sample_message({"bob@peer.test", "carol@peer.test"});
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        accept_transaction(peer, message);
        peer.send("451 4.3.0 Error: queue file write error");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.code, 451);
        EXPECT_EQ(outcome.enhanced, "4.3.0");
        EXPECT_EQ(outcome.text, "Error: queue file write error");
    }
}

TEST_F(SmtpNextHopTest, RefusalOfDataAppliesToAcceptedRecipients) {
    auto message = sample_message();
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.send("250 2.1.0 Ok");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.send("250 2.1.5 Ok");
        peer.expect("DATA");
        peer.send("554 5.5.1 Error: no valid recipients");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 554);
}

TEST_F(SmtpNextHopTest, ConnectionRefusedDefersEveryRecipient) {
    auto port = unused_port();
    auto uri = "smtp://127.0.0.1:" + std::to_string(port);
    auto hop = make_hop(uri);
    auto outcomes = deliver(*hop, sample_message({"bob@peer.test", "carol@peer.test"}));

    ASSERT_EQ(outcomes.size(), 2u);
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.code, 451);
        EXPECT_EQ(outcome.enhanced, "4.4.1");
        EXPECT_EQ(outcome.text, "next hop " + uri + ": connection refused");
    }
}

TEST_F(SmtpNextHopTest, ServerClosingDuringDataDefersTheAcceptedRecipients) {
    auto message = sample_message({"bob@peer.test", "nobody@peer.test"});
    message.data.append(200000, 'x');  // more than one write, so the server can leave midway
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.send("250 2.1.0 Ok");
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.send("250 2.1.5 Ok");
        peer.expect("RCPT TO:<nobody@peer.test>");
        peer.send("550 5.1.1 no such user");
        peer.expect("DATA");
        peer.send("354 go ahead");
        peer.read_line();
        throw Hangup{};
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.4.2");
    EXPECT_NE(outcomes[0].text.find("next hop " + server.uri() + ": "), std::string::npos);
    EXPECT_EQ(outcomes[1].code, 550);  // a final answer stays what the server said
}

TEST_F(SmtpNextHopTest, SilentServerTimesOutWith451) {
    auto message = sample_message();
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        accept_transaction(peer, message);
        peer.wait_for_close();  // no reply after the dot
    });
    auto options = quick_options();
    options.command_timeout = 1s;
    auto hop = make_hop(server.uri(), options);
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.4.2");
    EXPECT_EQ(outcomes[0].text, "next hop " + server.uri() +
                                    ": timed out after 1 s while waiting for the reply to the "
                                    "end of data");
}

TEST_F(SmtpNextHopTest, SilentGreetingIsUnreachable) {
    FakeServer server([&](Peer& peer, int) { peer.wait_for_close(); });
    auto options = quick_options();
    options.command_timeout = 1s;
    auto hop = make_hop(server.uri(), options);
    auto outcomes = deliver(*hop, sample_message());
    expect_no_failures(server);

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.4.1");
    EXPECT_EQ(outcomes[0].text,
              "next hop " + server.uri() + ": timed out after 1 s while waiting for the greeting");
}

TEST_F(SmtpNextHopTest, FallsBackToHeloWhenEhloIsUnknown) {
    auto message = sample_message();
    FakeServer server([&](Peer& peer, int) {
        peer.send("220 old.test SMTP");
        peer.expect("EHLO relay.test");
        peer.send("502 5.5.2 Error: command not recognized");
        peer.expect("HELO relay.test");
        peer.send("250 old.test");
        accept_transaction(peer, message);
        peer.send("250 Ok");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].enhanced, "");
}

TEST_F(SmtpNextHopTest, GarbledReplyDefers) {
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        peer.expect("MAIL FROM:<alice@example.org>");
        peer.send("HTTP/1.1 400 Bad Request");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, sample_message());
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_NE(outcomes[0].text.find("malformed reply \"HTTP/1.1 400 Bad Request\""),
              std::string::npos)
        << outcomes[0].text;
}

TEST_F(SmtpNextHopTest, AddressesThatCouldInjectCommandsAreNotSent) {
    auto message = sample_message({"bob@peer.test\r\nRSET", "carol@peer.test"});
    FakeServer server([&](Peer& peer, int) {
        greet(peer);
        accept_transaction(peer, sample_message({"carol@peer.test"}));
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    auto outcomes = deliver(*hop, message);
    expect_no_failures(server);
    EXPECT_EQ(outcomes[0].code, 553);
    EXPECT_EQ(outcomes[0].enhanced, "5.1.3");
    EXPECT_EQ(outcomes[1].code, 250);
}

TEST_F(SmtpNextHopTest, XforwardIsSentWhenOffered) {
    auto message = sample_message();
    message.client_address = "192.0.2.7";
    message.client_name = "client.example";
    message.client_helo = "my helo";
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"XFORWARD NAME ADDR PROTO HELO"});
        peer.expect("XFORWARD ADDR=192.0.2.7 NAME=client.example HELO=my+20helo");
        peer.send("250 2.0.0 Ok");
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    EXPECT_EQ(deliver(*hop, message)[0].code, 250);
    expect_no_failures(server);
}

TEST_F(SmtpNextHopTest, XforwardIsNotSentWhenNotOffered) {
    auto message = sample_message();
    message.client_address = "192.0.2.7";
    message.client_name = "client.example";
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"PIPELINING"});
        peer.expect("MAIL FROM:<alice@example.org>");  // and not XFORWARD first
        peer.expect("RCPT TO:<bob@peer.test>");
        peer.expect("DATA");
        peer.send("250 2.1.0 Ok");
        peer.send("250 2.1.5 Ok");
        peer.send("354 go ahead");
        peer.read_data();
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    EXPECT_EQ(deliver(*hop, message)[0].code, 250);
    expect_no_failures(server);
}

TEST_F(SmtpNextHopTest, OnlyOfferedXforwardAttributesWithValuesAreSent) {
    auto message = sample_message();
    message.client_address = "192.0.2.7";
    message.client_name = "";
    message.client_helo = "helo.example";
    FakeServer server([&](Peer& peer, int) {
        greet(peer, {"XFORWARD NAME ADDR"});
        peer.expect("XFORWARD ADDR=192.0.2.7");
        peer.send("250 2.0.0 Ok");
        accept_transaction(peer, message);
        peer.send("250 2.0.0 Ok");
    });
    auto hop = make_hop(server.uri());
    EXPECT_EQ(deliver(*hop, message)[0].code, 250);
    expect_no_failures(server);
}

}  // namespace
}  // namespace sealpost::testing
