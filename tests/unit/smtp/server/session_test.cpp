// The SMTP dialogue over a real socket: greeting, EHLO, transactions, pipelining, and what
// the session says to commands out of order or malformed.
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace sealpost::smtp::testing {

TEST(Session, GreetsAndAdvertisesEsmtpKeywords) {
    TestServer server(test_listener());
    Client client(server.port());
    EXPECT_EQ(client.read_reply(), "220 mx.test ESMTP Sealpost\r\n");
    std::string ehlo = client.command("EHLO client.example");
    EXPECT_EQ(ehlo,
              "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 26214400\r\n250-8BITMIME\r\n"
              "250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n");
    EXPECT_EQ(client.command("HELO client.example"), "250 mx.test\r\n");
}

TEST(Session, DeliversOneTransactionToTheHandler) {
    TestServer server(test_listener(Role::Inbound));
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org> SIZE=100"), "250 2.1.0 Sender ok\r\n");
    EXPECT_EQ(client.command("RCPT TO:<bob@example.net>"), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(client.command("RCPT TO:<carol@example.net>"), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(client.command("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
    EXPECT_EQ(client.command("Subject: hi\r\n\r\n..dot\r\nbody\r\n."), "250 2.0.0 Ok: queued\r\n");
    EXPECT_EQ(client.command("QUIT"), "221 2.0.0 mx.test closing connection\r\n");
    EXPECT_TRUE(client.closed_by_server());

    std::vector<Transaction> delivered = server.handler.transactions();
    ASSERT_EQ(delivered.size(), 1u);
    const Transaction& message = delivered[0];
    EXPECT_EQ(message.sender, "alice@example.org");
    EXPECT_EQ(message.recipients,
              (std::vector<std::string>{"bob@example.net", "carol@example.net"}));
    EXPECT_EQ(message.data, "Subject: hi\r\n\r\n.dot\r\nbody\r\n");
    EXPECT_EQ(message.queue_id.size(), 12u);
    EXPECT_EQ(message.listener, "127.0.0.1:0");
    EXPECT_EQ(message.role, Role::Inbound);
    EXPECT_EQ(message.client.address, "127.0.0.1");
    EXPECT_EQ(message.client.helo, "client.example");
    EXPECT_FALSE(message.client.tls);
    EXPECT_FALSE(message.client.forwarded);
}

TEST(Session, AnswersPipelinedCommandsInOrder) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    // RFC 2920: the whole group in one write, replies in order.
    client.send(
        "EHLO client.example\r\nMAIL FROM:<>\r\nRCPT TO:<bob@example.net>\r\n"
        "RCPT TO:<bad address@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(client.read_reply(), "250 2.1.0 Sender ok\r\n");
    EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 501);
    EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 354);
    client.send(
        "hello\r\n.\r\nMAIL FROM:<again@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
        "DATA\r\nsecond\r\n.\r\nQUIT\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(code_of(client.read_reply()), 354);
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(code_of(client.read_reply()), 221);

    std::vector<Transaction> delivered = server.handler.transactions();
    ASSERT_EQ(delivered.size(), 2u);
    EXPECT_EQ(delivered[0].sender, "");
    EXPECT_EQ(delivered[0].recipients.size(), 2u);
    EXPECT_EQ(delivered[0].data, "hello\r\n");
    EXPECT_EQ(delivered[1].sender, "again@example.org");
    EXPECT_EQ(delivered[1].data, "second\r\n");
    EXPECT_NE(delivered[0].queue_id, delivered[1].queue_id);
}

// The handler may refuse a recipient at RCPT; its reply goes out in order, the transaction
// goes on with the others and its queue ID is the one the handler was asked with.
TEST(Session, RecipientRefusedByTheHandlerIsLeftOut) {
    TestServer server(test_listener(Role::Inbound));
    Client client(server.port());
    client.read_reply();
    client.send(
        "EHLO client.example\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.net>\r\n"
        "RCPT TO:<nobody@example.net>\r\nRCPT TO:<carol@example.net>\r\nDATA\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(code_of(client.read_reply()), 250);
    EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(client.read_reply(), "550 5.1.1 No such user\r\n");
    EXPECT_EQ(client.read_reply(), "250 2.1.5 Recipient ok\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 354);
    EXPECT_EQ(code_of(client.command("hello\r\n.")), 250);
    // A transaction whose every recipient was refused has none to send DATA to.
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(code_of(client.command("RCPT TO:<nobody@example.net>")), 550);
    EXPECT_EQ(code_of(client.command("DATA")), 503);

    std::vector<Transaction> delivered = server.handler.transactions();
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(delivered[0].recipients,
              (std::vector<std::string>{"bob@example.net", "carol@example.net"}));
    std::vector<std::string> checked = server.handler.checked_recipients();
    ASSERT_EQ(checked.size(), 4u);
    EXPECT_EQ(checked[1], delivered[0].queue_id + " nobody@example.net");
}

TEST(Session, RsetEndsTheTransaction) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(client.command("RSET"), "250 2.0.0 Ok\r\n");
    EXPECT_EQ(client.command("RCPT TO:<bob@example.net>"),
              "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_EQ(code_of(client.command("MAIL FROM:<alice@example.org>")), 250);
    EXPECT_EQ(code_of(client.command("RSET now")), 501);
}

TEST(Session, RefusesCommandsOutOfOrder) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org>"),
              "503 5.5.1 Error: send HELO/EHLO first\r\n");
    client.command("EHLO client.example");
    EXPECT_EQ(client.command("DATA"), "503 5.5.1 Error: need MAIL command\r\n");
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org>"),
              "503 5.5.1 Error: nested MAIL command\r\n");
    EXPECT_EQ(client.command("DATA"), "503 5.5.1 Error: need RCPT command\r\n");
    EXPECT_EQ(client.command("DATA now"), "501 5.5.4 Syntax error: DATA takes no argument\r\n");
    EXPECT_TRUE(server.handler.transactions().empty());
}

TEST(Session, AnswersTheSmallCommands) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    EXPECT_EQ(client.command("NOOP"), "250 2.0.0 Ok\r\n");
    EXPECT_EQ(code_of(client.command("HELP")), 214);
    EXPECT_EQ(client.command("VRFY bob"),
              "252 2.5.2 Cannot VRFY user; send mail and delivery will be attempted\r\n");
    EXPECT_EQ(code_of(client.command("VRFY")), 501);
    EXPECT_EQ(client.command("EXPN staff"), "502 5.5.1 Error: command not implemented\r\n");
    EXPECT_EQ(client.command("BDAT 10 LAST"), "500 5.5.2 Error: command not recognized\r\n");
    EXPECT_EQ(client.command("STARTTLS"), "502 5.5.1 Error: STARTTLS not offered\r\n");
    EXPECT_EQ(client.command("XFORWARD ADDR=192.0.2.1"),
              "550 5.7.0 Error: insufficient authorization\r\n");
    EXPECT_EQ(client.command("AUTH PLAIN AGFsaWNlAHNlY3JldA=="),
              "503 5.5.1 Error: authentication not enabled\r\n");
    EXPECT_EQ(code_of(client.command("EHLO")), 501);
    EXPECT_EQ(code_of(client.command("HELO name\xc3\xa9")), 501);
}

TEST(Session, TooLongCommandLineIsReadToItsEndAndRefused) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    // 510 characters and CRLF: 512, the most RFC 5321 §4.5.3.1.4 asks a server to take.
    EXPECT_EQ(client.command("NOOP " + std::string(505, 'x')), "250 2.0.0 Ok\r\n");
    EXPECT_EQ(client.command("NOOP " + std::string(506, 'x')),
              "500 5.5.2 Error: command line too long\r\n");
    EXPECT_EQ(client.command("NOOP " + std::string(20000, 'x')),
              "500 5.5.2 Error: command line too long\r\n");
    EXPECT_EQ(client.command("NOOP"), "250 2.0.0 Ok\r\n");
}

TEST(Session, ControlCharactersInCommandsAreRefused) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(client.command(std::string("MAIL FROM:<a@b.example>\0", 24)),
              "500 5.5.2 Error: control character in command line\r\n");
    EXPECT_EQ(code_of(client.command("MAIL FROM:<a\r@b.example>")), 500);
}

TEST(Session, SmuggledEndOfDataIsRefusedAndTheSessionStaysInStep) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    client.send(
        "Subject: one\r\n\r\nbody\n.\nMAIL FROM:<evil@example.org>\r\n"
        "RCPT TO:<victim@example.net>\r\nDATA\r\n\r\nforged\r\n.\r\n");
    EXPECT_EQ(client.read_reply(),
              "550 5.6.0 bare LF/CR in message data not allowed (SMTP smuggling protection)\r\n");
    EXPECT_EQ(client.command("RCPT TO:<bob@example.net>"),
              "503 5.5.1 Error: need MAIL command\r\n");
    EXPECT_EQ(client.command("NOOP"), "250 2.0.0 Ok\r\n");
    EXPECT_TRUE(server.handler.transactions().empty());
}

TEST(Session, MessageSizeLimits) {
    ListenerSettings settings = test_listener();
    settings.limits.max_message_size = 100;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    EXPECT_TRUE(client.command("EHLO client.example").find("SIZE 100\r\n") != std::string::npos);
    EXPECT_EQ(client.command("MAIL FROM:<alice@example.org> SIZE=101"),
              "552 5.3.4 Error: message size exceeds fixed limit\r\n");
    client.command("MAIL FROM:<alice@example.org> SIZE=100");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    EXPECT_EQ(client.command(std::string(200, 'x') + "\r\n."),
              "552 5.3.4 Error: message size exceeds fixed limit\r\n");
    EXPECT_EQ(client.command("NOOP"), "250 2.0.0 Ok\r\n");
    EXPECT_TRUE(server.handler.transactions().empty());
}

TEST(Session, Smtputf8Transaction) {
    TestServer server(test_listener());
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    EXPECT_EQ(code_of(client.command("MAIL FROM:<j\xc3\xb6rg@example.org>")), 553);
    EXPECT_EQ(code_of(client.command("MAIL FROM:<j\xc3\xb6rg@example.org> SMTPUTF8")), 250);
    EXPECT_EQ(code_of(client.command("RCPT TO:<b\xc3\xb6@example.net>")), 250);
    client.command("DATA");
    EXPECT_EQ(code_of(client.command("x\r\n.")), 250);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_EQ(server.handler.transactions()[0].recipients[0], "b\xc3\xb6@example.net");
}

TEST(Session, HandlerRepliesPassThroughSafely) {
    TestServer server(test_listener());
    server.handler.set_reply(Reply{451, "4.7.1", "try later\nsecond line\r\nthird"});
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    EXPECT_EQ(client.command("x\r\n."),
              "451-4.7.1 try later\r\n451-4.7.1 second line \r\n451 4.7.1 third\r\n");

    server.handler.set_reply(Reply{354, "", "not a final reply"});
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    EXPECT_EQ(client.command("x\r\n."),
              "451 4.3.0 Error: internal error while processing the message\r\n");

    server.handler.set_throw(true);
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    EXPECT_EQ(client.command("x\r\n."),
              "451 4.3.0 Error: internal error while processing the message\r\n");
    EXPECT_EQ(client.command("NOOP"), "250 2.0.0 Ok\r\n");
}

// The client goes away after each line of a dialogue in turn: no step may crash the server,
// and a message reaches the handler only when its end of data was sent.
TEST(Session, ClientLeavingAtAnyStepLosesNothingAndBreaksNothing) {
    const std::vector<std::string> dialogue = {"EHLO client.example\r\n",
                                               "MAIL FROM:<alice@example.org>\r\n",
                                               "RCPT TO:<bob@example.net>\r\n",
                                               "DATA\r\n",
                                               "Subject: x\r\n",
                                               "\r\n",
                                               "body\r\n",
                                               ".\r\n",
                                               "QUIT\r\n"};
    const std::vector<bool> answered = {true, true, true, true, false, false, false, true, true};
    TestServer server(test_listener());
    for (std::size_t steps = 0; steps <= dialogue.size(); ++steps) {
        {
            Client client(server.port());
            client.read_reply();
            for (std::size_t i = 0; i < steps; ++i) {
                client.send(dialogue[i]);
                if (answered[i]) {
                    client.read_reply();
                }
            }
        }
        std::size_t expected = steps >= 8 ? steps - 7 : 0;
        if (expected > 0) {
            ASSERT_TRUE(server.handler.wait_for_deliveries(expected, std::chrono::seconds(5)));
        }
        EXPECT_EQ(server.handler.transactions().size(), expected) << "after step " << steps;
    }
    Client client(server.port());
    EXPECT_EQ(code_of(client.read_reply()), 220);
}

}  // namespace sealpost::smtp::testing
