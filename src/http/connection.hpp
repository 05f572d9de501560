// Internal to the HTTP server: what the server shares with its connections, and one
// connection's life, from the first request to the close.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/metrics.hpp"
#include "http/http_server.hpp"
#include "http/router.hpp"
#include "http/stream.hpp"

namespace sealpost::http::detail {

class Connection;

// Owned by the server and by every coroutine it started, so those can outlive the server.
// The router is only read once the server has started.
struct ServerState {
    ServerState(boost::asio::io_context& io, HttpServerOptions options,
                metrics::Registry& registry);

    // Registers a connection unless the server stops or is full; false means close it.
    bool admit(const std::shared_ptr<Connection>& connection);
    void forget(const Connection* connection);
    // Marks the server stopping and returns the connections to shut down.
    std::vector<std::shared_ptr<Connection>> begin_stop();
    bool stopping() const;

    const HttpServerOptions options;
    Router router;
    metrics::CounterFamily& requests;
    boost::asio::io_context& io;
    boost::asio::ip::tcp::acceptor acceptor;  // runs on a strand of its own

private:
    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::map<const Connection*, std::weak_ptr<Connection>> connections_;
};

class Connection : public std::enable_shared_from_this<Connection> {
public:
    // `socket`'s executor is the strand this connection runs on.
    Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ServerState> state);

    // Reads requests and answers them until the client closes, keep-alive ends, a limit or
    // timeout is hit, or the server stops.
    boost::asio::awaitable<void> run();

    // Any thread: closes the connection now if it waits for a request, else after the
    // response being prepared.
    void shut_down();

    const std::string& peer() const { return peer_; }
    boost::asio::any_io_executor executor() { return stream_.get_executor(); }
    // TLS listeners only: the handshake, within the read timeout. False: closed, logged.
    boost::asio::awaitable<bool> handshake();

private:
    struct Incoming;
    enum class ReadOutcome { Request, Refused, Closed };

    boost::asio::awaitable<ReadOutcome> read_request(Incoming& incoming);
    boost::asio::awaitable<ReadOutcome> on_read_error(boost::beast::error_code ec, bool got_some);
    boost::asio::awaitable<bool> answer(Incoming& incoming);
    boost::asio::awaitable<void> reject(unsigned status, std::string why);
    boost::asio::awaitable<bool> write(unsigned version, bool head_only, const Response& response,
                                       bool keep_alive);
    boost::asio::awaitable<void> close(bool drain);

    std::shared_ptr<ServerState> state_;
    ConnectionStream stream_;
    boost::beast::flat_buffer buffer_;
    std::string peer_;
    bool waiting_ = false;  // waiting for (or reading) a request: shut_down() cancels at once
    bool closing_ = false;  // shut_down() was called: no further request on this connection
};

// Answers one request through the router, turning a handler's exception into a response
// (the one error boundary per request). Never throws.
boost::asio::awaitable<Response> respond(const ServerState& state, const Request& request);

}  // namespace sealpost::http::detail
