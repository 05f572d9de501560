// One TCP connection of a session, plain at first and upgraded to TLS by STARTTLS. Every
// read, write and handshake has a deadline; an operation past it fails with
// boost::asio::error::timed_out. Other failures throw boost::system::system_error as Asio
// reports them (eof when the client closed, operation_aborted after cancel()).
//
// Owned through a shared_ptr, because a deadline's handler may still be queued when the
// session ends. All calls on the socket's executor (the session's strand).
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace sealpost::smtp::server {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Duration = std::chrono::milliseconds;

    explicit Connection(boost::asio::ip::tcp::socket socket);

    boost::asio::awaitable<std::size_t> read_some(std::span<char> into, Duration timeout);
    boost::asio::awaitable<void> write_all(std::string_view bytes, Duration timeout);

    // The server side of the TLS handshake; from then on reads and writes go through TLS.
    boost::asio::awaitable<void> start_tls(boost::asio::ssl::context& context, Duration timeout);

    // Makes a pending read or write fail with operation_aborted (used to drain).
    void cancel();
    void close();

    bool tls() const { return tls_ != nullptr; }
    // False after a TLS handshake that did not finish: nothing can be said to the client then.
    bool can_write() const { return !tls_ || handshake_done_; }
    // The TLS version and cipher for log lines; empty before start_tls.
    std::string tls_description() const;
    // The peer's IP address as text ("127.0.0.1", "::1"); empty if unknown.
    std::string remote_address() const;
    bool remote_is_loopback() const;
    // The local port, for log lines.
    unsigned short local_port() const;

private:
    boost::asio::ip::tcp::socket& socket();
    const boost::asio::ip::tcp::socket& socket() const;
    void arm(Duration timeout);
    void disarm();
    void on_deadline();
    // After an operation failed: timed_out if the deadline fired, else the error itself.
    [[noreturn]] void throw_failure(const boost::system::error_code& error);

    boost::asio::ip::tcp::socket plain_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
    boost::asio::steady_timer deadline_;
    bool timed_out_ = false;
    bool handshake_done_ = false;
};

}  // namespace sealpost::smtp::server
