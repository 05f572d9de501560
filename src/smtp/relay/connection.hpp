// One byte stream to a next hop — TCP, TCP under TLS after STARTTLS, or a Unix socket — with
// a deadline on every operation. When a deadline passes, a steady_timer closes the socket, so
// the pending operation fails and the caller sees HopFailure naming what it was waiting for.
//
// Not thread-safe: one coroutine uses a connection at a time, on the `io` executor, which
// must not run handlers in parallel (an io_context run by one thread, or a strand).
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sealpost::smtp {

class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Seconds = std::chrono::seconds;

    // Held by shared_ptr so that a timer that fires late never touches a dead connection.
    static std::shared_ptr<Connection> make(boost::asio::any_io_executor io);

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Throw HopFailure(Unreachable) with the reason, "connection refused" for one.
    boost::asio::awaitable<void> connect_tcp(std::string host, std::uint16_t port, Seconds timeout);
    boost::asio::awaitable<void> connect_unix(std::string path, Seconds timeout);

    // Puts TLS under the stream after the server's 220 to STARTTLS. `verify_host` empty: no
    // certificate check; else the chain against the context's CAs and the name against it.
    // Throws HopFailure(TlsHandshake).
    boost::asio::awaitable<void> start_tls(boost::asio::ssl::context& context,
                                           const std::string& server_name,
                                           const std::string& verify_host, Seconds timeout);

    // `during` completes "timed out after N s ..." and "connection closed by the server ...",
    // e.g. "while sending the message". Throw HopFailure(Connection|Protocol).
    boost::asio::awaitable<void> write(std::string_view bytes, Seconds timeout,
                                       std::string_view during);
    boost::asio::awaitable<std::string> read_line(Seconds timeout, std::string_view during);

    // Bytes received and not read yet (a server must send nothing unasked after STARTTLS).
    bool has_unread_input() const { return !inbox_.empty(); }
    bool tls_active() const { return tls_.has_value(); }
    bool is_open() const;
    void close();

private:
    explicit Connection(boost::asio::any_io_executor io);

    void arm(Seconds timeout);
    void disarm();
    [[noreturn]] void fail(boost::system::error_code ec, Seconds timeout, std::string_view during,
                           bool connecting);
    boost::asio::awaitable<std::size_t> read_some(char* buffer, std::size_t size,
                                                  boost::system::error_code& ec);

    boost::asio::any_io_executor io_;
    boost::asio::steady_timer timer_;
    std::uint64_t deadline_generation_ = 0;
    bool timed_out_ = false;
    boost::asio::ip::tcp::resolver* resolving_ = nullptr;  // while resolving, for the timer
    std::optional<boost::asio::ip::tcp::socket> tcp_;
    std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>> tls_;
    std::optional<boost::asio::local::stream_protocol::socket> unix_;
    std::string inbox_;
};

}  // namespace sealpost::smtp
