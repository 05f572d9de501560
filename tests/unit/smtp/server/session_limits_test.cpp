// The limits a session keeps: recipients, errors, idle commands, timeouts.
#include <gtest/gtest.h>

#include <thread>

#include "test_support.hpp"

namespace sealpost::smtp::testing {

TEST(SessionLimits, TooManyRecipientsGet452) {
    ListenerSettings settings = test_listener();
    settings.limits.max_recipients = 2;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    EXPECT_EQ(code_of(client.command("RCPT TO:<one@example.net>")), 250);
    EXPECT_EQ(code_of(client.command("RCPT TO:<two@example.net>")), 250);
    EXPECT_EQ(client.command("RCPT TO:<three@example.net>"),
              "452 4.5.3 Error: too many recipients\r\n");
    client.command("DATA");
    EXPECT_EQ(code_of(client.command("x\r\n.")), 250);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_EQ(server.handler.transactions()[0].recipients.size(), 2u);
}

TEST(SessionLimits, TooManyErrorsClose) {
    ListenerSettings settings = test_listener();
    settings.limits.max_errors = 3;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    EXPECT_EQ(code_of(client.command("FOO")), 500);
    EXPECT_EQ(code_of(client.command("BAR")), 500);
    EXPECT_EQ(client.command("BAZ"), "500 5.5.2 Error: command not recognized\r\n");
    EXPECT_EQ(client.read_reply(), "421 4.7.0 mx.test Error: too many errors\r\n");
    EXPECT_TRUE(client.closed_by_server());
}

TEST(SessionLimits, TooManyCommandsWithoutMailClose) {
    ListenerSettings settings = test_listener();
    settings.limits.max_non_mail_commands = 4;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(code_of(client.command("NOOP")), 250);
    }
    EXPECT_EQ(client.command("NOOP"),
              "421 4.7.0 mx.test Error: too many commands without mail\r\n");
    EXPECT_TRUE(client.closed_by_server());
}

TEST(SessionLimits, DeliveredMailResetsTheCommandCount) {
    ListenerSettings settings = test_listener();
    settings.limits.max_non_mail_commands = 3;
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(code_of(client.command("RSET")), 250);
        EXPECT_EQ(code_of(client.command("EHLO client.example")), 250);
        client.command("MAIL FROM:<alice@example.org>");
        client.command("RCPT TO:<bob@example.net>");
        client.command("DATA");
        EXPECT_EQ(code_of(client.command("x\r\n.")), 250);
    }
}

TEST(SessionLimits, IdleClientTimesOut) {
    ListenerSettings settings = test_listener();
    settings.limits.command_timeout = std::chrono::seconds(1);
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(client.read_reply(), "421 4.4.2 mx.test Error: timeout exceeded\r\n");
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(900));
    EXPECT_TRUE(client.closed_by_server());
}

TEST(SessionLimits, StalledDataTimesOutAndDeliversNothing) {
    ListenerSettings settings = test_listener();
    settings.limits.data_timeout = std::chrono::seconds(1);
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    client.command("DATA");
    client.send("Subject: half a message\r\n");
    EXPECT_EQ(client.read_reply(), "421 4.4.2 mx.test Error: timeout exceeded\r\n");
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_TRUE(server.handler.transactions().empty());
}

TEST(SessionLimits, ActivityKeepsTheSessionAlive) {
    ListenerSettings settings = test_listener();
    settings.limits.command_timeout = std::chrono::milliseconds(700);
    TestServer server(settings);
    Client client(server.port());
    client.read_reply();
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        EXPECT_EQ(code_of(client.command("NOOP")), 250);
    }
}

}  // namespace sealpost::smtp::testing
