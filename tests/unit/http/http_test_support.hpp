// Test support for the HTTP server: a server on 127.0.0.1 with a port of its own, run on a
// thread of its own, and a blocking client on a plain POSIX socket whose every wait is
// bounded, so a server that fails to answer fails the test instead of hanging it.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <thread>

#include "common/metrics.hpp"
#include "http/http_server.hpp"

namespace sealpost::http::testing {

using namespace std::chrono_literals;
using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

class Client {
public:
    explicit Client(std::uint16_t port);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return fd_ >= 0; }

    // Sends all of `data`; false when the server has closed the connection.
    bool send(std::string_view data);

    // Reads one response (`head` for the answer to a HEAD request); nullopt when none
    // arrives within `timeout` or the connection closes first.
    std::optional<ClientResponse> read_response(std::chrono::milliseconds timeout = 5s,
                                                bool head = false);

    // Reads until `terminator` has arrived; returns what came up to and including it, or
    // nullopt on timeout or close.
    std::optional<std::string> read_until(std::string_view terminator,
                                          std::chrono::milliseconds timeout = 5s);

    // True when the server closes the connection (end of stream or reset) within `timeout`.
    // Data that arrives meanwhile is dropped.
    bool wait_closed(std::chrono::milliseconds timeout);

private:
    // Receives more bytes into pending_; 0 on timeout, -1 on close or error.
    long receive(std::chrono::steady_clock::time_point deadline);

    int fd_ = -1;
    std::string pending_;
};

// Sends `request` on a new connection and reads its response.
std::optional<ClientResponse> exchange(std::uint16_t port, std::string_view request);

class HttpServerTest : public ::testing::Test {
protected:
    // A server on 127.0.0.1 port 0 with `options` (its listen address is replaced).
    void start(HttpServerOptions options = {});
    void TearDown() override;

    std::uint16_t port() const { return server_->bound_port(); }

    metrics::Registry registry_;
    boost::asio::io_context io_;
    std::optional<HttpServer> server_;
    std::function<void(HttpServer&)> routes_;  // added before start() when set

private:
    std::thread runner_;
    std::future<void> finished_;
};

}  // namespace sealpost::http::testing
