// The daemon's HTTP server: HTTP/1.1 with keep-alive on Boost.Beast, one coroutine per
// connection, requests routed by method and path. Serves GET /metrics and GET /healthz itself;
// the key server and admin API add their routes to it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/metrics.hpp"
#include "http/router.hpp"

namespace sealpost::http {

struct HttpServerOptions {
    // "IP:port", e.g. "127.0.0.1:9025" or "[::1]:9025"; port 0 picks a free port.
    std::string listen = "127.0.0.1:9025";
    // How long a whole request (header and body) may take to arrive, counted from when the
    // server starts waiting for it; so also how long an idle keep-alive connection stays open.
    // A client that trickles bytes is closed when it runs out, not when it pauses.
    std::chrono::milliseconds read_timeout{10'000};
    // How long writing one response may take.
    std::chrono::milliseconds write_timeout{10'000};
    std::size_t max_header_bytes = 8 * 1024;  // request line and header fields; more: 431
    std::size_t max_body_bytes = 64 * 1024;   // more: 413
    std::size_t max_connections = 256;        // more are closed as soon as accepted
    // When set, every connection speaks TLS (HTTPS) with this context's certificate.
    std::shared_ptr<boost::asio::ssl::context> tls;
};

namespace detail {
struct ServerState;
}

// LIMITATION: plain HTTP only, no TLS: listen on loopback or a private address and put a TLS
// proxy in front for anything reached from outside. Bodies are held whole in memory (bounded by
// max_body_bytes), so a handler cannot stream a large download.
//
// Threads: the server runs on the io_context given, which may be run by one thread or more
// (each connection has its own strand). Routes are added before start(). stop() may be called
// from any thread. Destroy the server before its io_context; the server stops when destroyed,
// and connections still open hold what they need until they end.
class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, HttpServerOptions options,
               metrics::Registry& registry = metrics::default_registry());
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // See Router::add and Router::add_prefix. Throws Error(Conflict) after start().
    void add_route(std::string method, std::string path, Handler handler);
    void add_route(std::string method, std::string path, PlainHandler handler);
    void add_prefix_route(std::string method, std::string prefix, Handler handler);
    void add_prefix_route(std::string method, std::string prefix, PlainHandler handler);

    // Binds and listens, then accepts on the io_context. Throws Error(BadInput) for a listen
    // address that is not "IP:port" and Error(Temporary) when the address cannot be bound.
    void start();

    // The port listened on (the one chosen when options.listen asked for port 0).
    std::uint16_t bound_port() const { return bound_port_; }

    // Stops accepting and closes every connection waiting for a request; a connection whose
    // request is being answered gets its response, then is closed. Idempotent.
    void stop();

private:
    void check_not_started() const;

    std::shared_ptr<detail::ServerState> state_;
    bool started_ = false;
    std::uint16_t bound_port_ = 0;
};

// Parses "IP:port" ("[IPv6]:port" for IPv6). Throws Error(BadInput) naming what is wrong.
boost::asio::ip::tcp::endpoint parse_listen_address(std::string_view address);

}  // namespace sealpost::http
