// The listeners: binding, connection limits, drain on shutdown, new settings on reload, and
// the TLS context helper.
#include "smtp/server/server.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <thread>

#include "common/error.hpp"
#include "support/temp_dir.hpp"
#include "test_support.hpp"

namespace sealpost::smtp::testing {

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

// Polls until `condition` holds, for at most two seconds.
template <typename Condition>
bool eventually(Condition condition) {
    for (int i = 0; i < 200; ++i) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

bool connection_refused(unsigned short port) {
    try {
        Client client(port);
        return false;
    } catch (const boost::system::system_error&) {
        return true;
    }
}

void start_message(Client& client) {
    client.read_reply();
    client.command("EHLO client.example");
    client.command("MAIL FROM:<alice@example.org>");
    client.command("RCPT TO:<bob@example.net>");
    ASSERT_EQ(code_of(client.command("DATA")), 354);
}

}  // namespace

TEST(Server, BindsEveryListenerAndReportsPorts) {
    ListenerSettings second = test_listener(Role::Inbound);
    second.address = "127.0.0.2:0";  // all of 127/8 is loopback on Linux
    second.hostname = "second.test";
    TestServer server({test_listener(), second});
    std::vector<unsigned short> ports = server.server.bound_ports();
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_NE(ports[0], 0);
    EXPECT_NE(ports[1], ports[0]);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.2"), ports[1]});
    char greeting[64];
    std::size_t size = socket.read_some(boost::asio::buffer(greeting));
    EXPECT_EQ(std::string(greeting, size), "220 second.test ESMTP Sealpost\r\n");
}

TEST(Server, RefusesAnAddressListedTwice) {
    boost::asio::io_context io;
    FakeHandler handler;
    Server server(io.get_executor(), {test_listener(), test_listener()}, handler);
    try {
        server.start();
        FAIL() << "two listeners on one address were accepted";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::BadInput);
        EXPECT_TRUE(contains(error.what(), "127.0.0.1:0")) << error.what();
    }
}

TEST(Server, BindFailureNamesTheAddressAndReason) {
    TestServer first(test_listener());
    ListenerSettings taken = test_listener();
    taken.address = "127.0.0.1:" + std::to_string(first.port());
    boost::asio::io_context io;
    FakeHandler handler;
    Server second(io.get_executor(), {taken}, handler);
    try {
        second.start();
        FAIL() << "binding a port in use succeeded";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::Conflict);
        EXPECT_TRUE(contains(error.what(), taken.address)) << error.what();
        EXPECT_TRUE(contains(error.what(), "in use")) << error.what();
    }
}

TEST(Server, RefusesMalformedAddressesAndSettings) {
    boost::asio::io_context io;
    FakeHandler handler;
    for (const char* address :
         {"localhost:25", "127.0.0.1", "127.0.0.1:99999", "::1:25", "127.0.0.1:2x5", "[::1]25"}) {
        ListenerSettings settings = test_listener();
        settings.address = address;
        Server server(io.get_executor(), {settings}, handler);
        try {
            server.start();
            ADD_FAILURE() << address << " was accepted";
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::BadInput);
            EXPECT_TRUE(contains(error.what(), address)) << error.what();
        }
    }
    ListenerSettings no_auth = test_listener();
    no_auth.require_auth = true;
    Server server(io.get_executor(), {no_auth}, handler);
    EXPECT_THROW(server.start(), Error);
}

TEST(Server, ListensOnIpv6Loopback) {
    ListenerSettings settings = test_listener();
    settings.address = "[::1]:0";
    boost::asio::io_context probe;
    boost::asio::ip::tcp::acceptor v6(probe);
    boost::system::error_code error;
    v6.open(boost::asio::ip::tcp::v6(), error);
    if (!error) {
        v6.bind({boost::asio::ip::make_address("::1"), 0}, error);
    }
    if (error) {
        GTEST_SKIP() << "no IPv6 loopback here: " << error.message();
    }
    TestServer server(settings);
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("::1"), server.port()});
    char greeting[64];
    std::size_t size = socket.read_some(boost::asio::buffer(greeting));
    EXPECT_EQ(std::string(greeting, size), "220 mx.test ESMTP Sealpost\r\n");
}

TEST(Server, PerAddressLimitRefusesWithoutReading) {
    ListenerSettings settings = test_listener();
    settings.limits.max_connections_per_address = 2;
    TestServer server(settings);
    auto first = std::make_unique<Client>(server.port());
    Client second(server.port());
    EXPECT_EQ(code_of(first->read_reply()), 220);
    EXPECT_EQ(code_of(second.read_reply()), 220);
    EXPECT_EQ(server.server.active_sessions(), 2u);
    {
        Client third(server.port());
        EXPECT_EQ(third.read_reply(), "421 4.7.0 too many connections from your address\r\n");
        EXPECT_TRUE(third.closed_by_server());
    }
    first.reset();
    ASSERT_TRUE(eventually([&] { return server.server.active_sessions() == 1; }));
    Client again(server.port());
    EXPECT_EQ(code_of(again.read_reply()), 220);
}

TEST(Server, TotalLimitRefusesAsBusy) {
    ListenerSettings settings = test_listener();
    settings.limits.max_connections = 1;
    TestServer server(settings);
    Client first(server.port());
    EXPECT_EQ(code_of(first.read_reply()), 220);
    Client second(server.port());
    EXPECT_EQ(second.read_reply(), "421 4.3.2 service busy\r\n");
    EXPECT_TRUE(second.closed_by_server());
}

// The limits count the sessions of every listener: a client cannot get around them by
// connecting to another address of the same server.
TEST(Server, LimitsHoldOverAllListeners) {
    auto greeting_at_second = [](unsigned short port) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        socket.connect({boost::asio::ip::make_address("127.0.0.2"), port});  // from 127.0.0.1
        char reply[128];
        std::size_t size = socket.read_some(boost::asio::buffer(reply));
        return std::string(reply, size);
    };
    for (bool per_address : {true, false}) {
        ListenerSettings first = test_listener(Role::Submission);
        ListenerSettings second = test_listener(Role::Inbound);
        second.address = "127.0.0.2:0";
        for (ListenerSettings* settings : {&first, &second}) {
            settings->limits.max_connections_per_address = per_address ? 1 : 10;
            settings->limits.max_connections = per_address ? 10 : 1;
        }
        TestServer server(std::vector<ListenerSettings>{first, second});
        Client client(server.port(0));
        EXPECT_EQ(code_of(client.read_reply()), 220);
        EXPECT_EQ(greeting_at_second(server.port(1)),
                  per_address ? "421 4.7.0 too many connections from your address\r\n"
                              : "421 4.3.2 service busy\r\n");
    }
}

TEST(Server, StopAcceptingLeavesSessionsRunning) {
    TestServer server(test_listener());
    unsigned short port = server.port();
    Client client(port);
    client.read_reply();
    server.server.stop_accepting();
    EXPECT_TRUE(eventually([&] { return connection_refused(port); }));
    EXPECT_EQ(code_of(client.command("NOOP")), 250);
}

TEST(Server, DrainLetsDataInFlightFinishAndClosesIdleSessions) {
    TestServer server(test_listener());
    Client sending(server.port());
    start_message(sending);
    sending.send("Subject: first half\r\n");
    Client idle(server.port());
    idle.read_reply();
    idle.command("EHLO idle.example");

    std::promise<void> drained;
    server.server.shutdown([&] { drained.set_value(); });
    EXPECT_EQ(idle.read_reply(), "421 4.3.2 mx.test service shutting down, try again later\r\n");
    EXPECT_TRUE(idle.closed_by_server());
    EXPECT_TRUE(eventually([&] { return server.server.active_sessions() == 1; }));

    EXPECT_EQ(sending.command("\r\nsecond half\r\n."), "250 2.0.0 Ok: queued\r\n");
    EXPECT_EQ(sending.read_reply(), "421 4.3.2 mx.test service shutting down, try again later\r\n");
    EXPECT_TRUE(sending.closed_by_server());
    EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_EQ(server.server.active_sessions(), 0u);
    ASSERT_EQ(server.handler.transactions().size(), 1u);
    EXPECT_EQ(server.handler.transactions()[0].data, "Subject: first half\r\n\r\nsecond half\r\n");
}

TEST(Server, DrainWaitsForTheHandler) {
    TestServer server(test_listener());
    server.handler.set_delay(std::chrono::milliseconds(500));
    Client client(server.port());
    start_message(client);
    client.send("x\r\n.\r\n");
    ASSERT_TRUE(server.handler.wait_for_deliveries(1, std::chrono::seconds(5)));
    std::promise<void> drained;
    server.server.shutdown([&] { drained.set_value(); });
    EXPECT_EQ(client.read_reply(), "250 2.0.0 Ok: queued\r\n");
    EXPECT_EQ(code_of(client.read_reply()), 421);
    EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

TEST(Server, DrainWithoutSessionsReportsAtOnce) {
    TestServer server(test_listener());
    unsigned short port = server.port();
    std::promise<void> drained;
    server.server.shutdown([&] { drained.set_value(); });
    EXPECT_EQ(drained.get_future().wait_for(std::chrono::seconds(5)), std::future_status::ready);
    EXPECT_TRUE(connection_refused(port));
}

TEST(Server, ReplacedSettingsApplyToNewConnectionsOnly) {
    ListenerSettings settings = test_listener();
    TestServer server(settings);
    unsigned short port = server.port();
    Client before(port);
    EXPECT_EQ(before.read_reply(), "220 mx.test ESMTP Sealpost\r\n");

    ListenerSettings renamed = settings;
    renamed.hostname = "renamed.test";
    renamed.limits.max_message_size = 1000;
    server.server.replace_settings({renamed});
    EXPECT_TRUE(eventually([&] {
        Client after(port);
        return after.read_reply() == "220 renamed.test ESMTP Sealpost\r\n";
    }));
    std::string ehlo = before.command("EHLO client.example");
    EXPECT_TRUE(contains(ehlo, "250-mx.test\r\n")) << ehlo;
    EXPECT_TRUE(contains(ehlo, "SIZE 26214400")) << ehlo;
    EXPECT_EQ(server.server.bound_ports(), std::vector<unsigned short>{port});
}

TEST(Server, ReloadBindsNewAddressesAndClosesRemovedOnes) {
    TestServer server(test_listener());
    unsigned short port = server.port();
    ListenerSettings extra = test_listener();
    extra.address = "127.0.0.2:0";  // all of 127/8 is loopback on Linux

    ListenerSettings broken = test_listener();
    broken.address = "nowhere:25";
    EXPECT_THROW(server.server.replace_settings({test_listener(), broken}), Error);
    EXPECT_EQ(server.server.bound_ports(), std::vector<unsigned short>{port});

    server.server.replace_settings({test_listener(), extra});
    std::vector<unsigned short> ports = server.server.bound_ports();
    ASSERT_EQ(ports.size(), 2u);
    EXPECT_EQ(ports[0], port);
    EXPECT_NE(ports[1], 0);
    Client still(port);
    EXPECT_EQ(code_of(still.read_reply()), 220);

    server.server.replace_settings({extra});
    EXPECT_TRUE(eventually([&] { return connection_refused(port); }));
    EXPECT_EQ(server.server.bound_ports(), std::vector<unsigned short>{ports[1]});
    EXPECT_EQ(code_of(still.command("NOOP")), 250);  // the running session goes on
}

TEST(TlsContext, ReadsPemFilesAndNamesTheFileThatFails) {
    TestCertificate made = make_self_signed_certificate();
    TestCertificate other = make_self_signed_certificate();
    sealpost::testing::TempDir dir;
    auto write = [&](const char* name, const std::string& text) {
        std::ofstream(dir.path() / name) << text;
        return (dir.path() / name).string();
    };
    std::string cert = write("cert.pem", made.certificate_pem);
    std::string key = write("key.pem", made.private_key_pem);
    std::string other_key = write("other.pem", other.private_key_pem);
    std::string junk = write("junk.pem", "not PEM at all\n");
    EXPECT_NE(make_tls_context(cert, key), nullptr);

    auto failure = [](const std::string& cert_file, const std::string& key_file) {
        try {
            make_tls_context(cert_file, key_file);
        } catch (const Error& error) {
            EXPECT_EQ(error.kind(), ErrorKind::BadInput);
            return std::string(error.what());
        }
        return std::string("no error");
    };
    EXPECT_TRUE(contains(failure(dir.path() / "missing.pem", key), "missing.pem"));
    EXPECT_TRUE(contains(failure(junk, key), "junk.pem"));
    EXPECT_TRUE(contains(failure(cert, junk), "junk.pem"));
    EXPECT_TRUE(contains(failure(cert, other_key), "other.pem"));
}

}  // namespace sealpost::smtp::testing
