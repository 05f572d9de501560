// The HTTP server's defences over a real loopback socket: size limits, malformed requests,
// slow and idle clients, the connection limit, and stop().
#include <atomic>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "http/http_server.hpp"
#include "http_test_support.hpp"

namespace sealpost::http::testing {
namespace {

using Clock = std::chrono::steady_clock;

HttpServerOptions small_limits() {
    HttpServerOptions options;
    options.max_body_bytes = 1024;
    options.max_header_bytes = 2048;
    return options;
}

void add_echo(HttpServer& server) {
    server.add_route("POST", "/echo", [](const Request& request) {
        return text_response(200, std::to_string(request.body.size()));
    });
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413AndTheConnectionCloses) {
    routes_ = add_echo;
    start(small_limits());

    auto fits = exchange(
        port(), "POST /echo HTTP/1.1\r\nContent-Length: 1024\r\n\r\n" + std::string(1024, 'a'));
    ASSERT_TRUE(fits);
    EXPECT_EQ(fits->result_int(), 200u);
    EXPECT_EQ(fits->body(), "1024\n");

    // The client sends the whole body before reading: it must still get the 413.
    Client client(port());
    ASSERT_TRUE(client.send("POST /echo HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" +
                            std::string(100000, 'a')));
    auto refused = client.read_response();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->result_int(), 413u);
    EXPECT_FALSE(refused->keep_alive());
    EXPECT_TRUE(client.wait_closed(5s));
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
    routes_ = add_echo;
    start(small_limits());
    std::string chunks;
    for (int i = 0; i < 5; ++i) {
        chunks += "200\r\n" + std::string(0x200, 'b') + "\r\n";
    }
    auto refused = exchange(
        port(), "POST /echo HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + "0\r\n\r\n");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->result_int(), 413u);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100BeforeTheBodyAnd413WithoutIt) {
    routes_ = add_echo;
    start(small_limits());
    Client client(port());
    ASSERT_TRUE(
        client.send("POST /echo HTTP/1.1\r\nContent-Length: 5\r\n"
                    "Expect: 100-continue\r\n\r\n"));
    auto interim = client.read_until("\r\n\r\n");
    ASSERT_TRUE(interim);
    EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
    ASSERT_TRUE(client.send("hello"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "5\n");

    Client too_big(port());
    ASSERT_TRUE(
        too_big.send("POST /echo HTTP/1.1\r\nContent-Length: 5000\r\n"
                     "Expect: 100-continue\r\n\r\n"));
    auto refused = too_big.read_response();
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->result_int(), 413u);
}

TEST_F(HttpServerTest, HeaderOverTheLimitIs431) {
    start(small_limits());
    auto refused =
        exchange(port(), "GET /healthz HTTP/1.1\r\nX-Big: " + std::string(4096, 'x') + "\r\n\r\n");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->result_int(), 431u);
}

TEST_F(HttpServerTest, MalformedRequestIs400) {
    start();
    auto refused = exchange(port(), "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->result_int(), 400u);
    auto metrics = registry_.render();
    EXPECT_NE(metrics.find("sealpost_http_requests_total{code=\"400\"} 1\n"), std::string::npos)
        << metrics;
}

TEST_F(HttpServerTest, SlowClientIsClosedWhenItsRequestTimeRunsOut) {
    HttpServerOptions options;
    options.read_timeout = 300ms;
    start(options);
    Client client(port());
    auto began = Clock::now();
    ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\n"));
    // One header byte every 50 ms: each arrives well within the timeout, yet the request as a
    // whole never completes, so the server must close the connection.
    bool closed = false;
    while (!closed && Clock::now() - began < 5s) {
        closed = !client.send("X") || client.wait_closed(50ms);
    }
    auto elapsed = Clock::now() - began;
    EXPECT_TRUE(closed) << "a trickling client kept its connection for 5 s";
    EXPECT_GE(elapsed, 250ms);
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterTheTimeout) {
    HttpServerOptions options;
    options.read_timeout = 200ms;
    start(options);
    Client client(port());
    ASSERT_TRUE(client.send("GET /healthz HTTP/1.1\r\n\r\n"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_TRUE(response->keep_alive());
    EXPECT_TRUE(client.wait_closed(5s));
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreClosedAtOnce) {
    HttpServerOptions options;
    options.max_connections = 1;
    start(options);
    Client first(port());
    ASSERT_TRUE(first.send("GET /healthz HTTP/1.1\r\n\r\n"));
    ASSERT_TRUE(first.read_response());  // the first connection is admitted and open

    Client second(port());
    EXPECT_TRUE(second.wait_closed(5s));

    ASSERT_TRUE(first.send("GET /healthz HTTP/1.1\r\n\r\n"));
    auto response = first.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(HttpServerTest, StopClosesIdleConnectionsAndTheListener) {
    start();
    Client idle(port());
    ASSERT_TRUE(idle.send("GET /healthz HTTP/1.1\r\n\r\n"));
    ASSERT_TRUE(idle.read_response());

    server_->stop();
    EXPECT_TRUE(idle.wait_closed(5s));
    // stop() is carried out on the server's thread: wait until the listener is gone.
    bool refused = false;
    for (int tries = 0; tries < 100 && !refused; ++tries) {
        refused = !Client(port()).connected();
        if (!refused) {
            std::this_thread::sleep_for(20ms);
        }
    }
    EXPECT_TRUE(refused) << "the server still accepts connections after stop()";
}

TEST_F(HttpServerTest, StopLetsARequestBeingAnsweredFinishThenCloses) {
    auto entered = std::make_shared<std::atomic<bool>>(false);
    routes_ = [entered](HttpServer& server) {
        server.add_route(
            "GET", "/slow", [entered](const Request&) -> boost::asio::awaitable<Response> {
                *entered = true;
                boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, 200ms);
                co_await timer.async_wait(boost::asio::use_awaitable);
                co_return text_response(200, "finished");
            });
    };
    start();
    Client client(port());
    ASSERT_TRUE(client.send("GET /slow HTTP/1.1\r\n\r\n"));
    for (int tries = 0; tries < 250 && !*entered; ++tries) {
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(*entered);

    server_->stop();
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "finished\n");
    EXPECT_FALSE(response->keep_alive());
    EXPECT_TRUE(client.wait_closed(5s));
}

}  // namespace
}  // namespace sealpost::http::testing
