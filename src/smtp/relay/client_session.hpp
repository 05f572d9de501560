// One SMTP or LMTP session with the next hop, from the greeting to QUIT: the connection plus
// what the server offered in EHLO/LHLO. Transactions (transaction.hpp) run on an open session;
// the pool (session_pool.hpp) keeps idle ones. Not thread-safe; see connection.hpp.
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "smtp/relay/connection.hpp"
#include "smtp/relay/hop_uri.hpp"
#include "smtp/relay/next_hop.hpp"
#include "smtp/relay/wire_format.hpp"

namespace sealpost::smtp {

// What every session to one next hop shares. Sessions hold it by shared_ptr, so a session
// that is still saying QUIT may outlive its hop.
struct SessionSettings {
    HopUri uri;
    std::string hop_name;  // uri.describe()
    NextHopOptions options;
    std::shared_ptr<boost::asio::ssl::context> tls_context;  // null when uri.tls is None
    bool verify_certificate = false;  // tls=required towards a host that is not loopback
};

// Makes the client TLS context for `uri`, or null when it never uses TLS.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const HopUri& uri);
bool is_loopback_host(const std::string& host);

class ClientSession {
public:
    // Connects, reads the 220 greeting, says EHLO (HELO after a 5xx) or LHLO, and STARTTLS as
    // `tls` asks (then EHLO again, RFC 3207 §4.2). Throws HopFailure; any trouble before the
    // session is open counts as Unreachable (4.4.1), TLS trouble as TlsRequired/TlsHandshake.
    static boost::asio::awaitable<std::unique_ptr<ClientSession>> open(
        boost::asio::any_io_executor io, std::shared_ptr<const SessionSettings> settings,
        TlsMode tls);

    ClientSession(const ClientSession&) = delete;
    ClientSession& operator=(const ClientSession&) = delete;

    // Sends `line` and CRLF, then reads the reply. `name` ("RCPT TO") goes into errors.
    boost::asio::awaitable<ServerReply> command(std::string_view line, std::string_view name);
    // Sends bytes as they are (a pipelined batch, the message).
    boost::asio::awaitable<void> send(std::string_view bytes, std::string_view during);
    // Reads one whole reply; throws HopFailure(Protocol) on a malformed one.
    boost::asio::awaitable<ServerReply> read_reply(std::string_view name);

    // RSET before reusing a pooled session: true if the server said 250, else the session
    // is closed and false. Never throws.
    boost::asio::awaitable<bool> reset();
    // QUIT and close; never throws (the server's answer changes nothing).
    boost::asio::awaitable<void> quit();
    void close() { connection_->close(); }

    // Open and not told 421 (the server is closing the session).
    bool usable() const { return !closing_ && connection_->is_open(); }
    bool lmtp() const { return settings_->uri.protocol == HopProtocol::Lmtp; }
    bool tls_active() const { return connection_->tls_active(); }
    const Extensions& extensions() const { return extensions_; }
    const std::string& hop_name() const { return settings_->hop_name; }

private:
    ClientSession(std::shared_ptr<const SessionSettings> settings,
                  std::shared_ptr<Connection> connection);

    boost::asio::awaitable<void> connect();
    boost::asio::awaitable<void> greet();
    boost::asio::awaitable<void> say_hello();
    boost::asio::awaitable<void> negotiate_tls(TlsMode tls);
    boost::asio::awaitable<ServerReply> exchange(std::string_view line, std::string_view name,
                                                 Connection::Seconds timeout);
    // `during` completes error texts: "while waiting for the reply to RCPT TO".
    boost::asio::awaitable<ServerReply> read_reply_within(std::string during,
                                                          Connection::Seconds timeout);

    std::shared_ptr<const SessionSettings> settings_;
    std::shared_ptr<Connection> connection_;
    Extensions extensions_;
    bool closing_ = false;
};

}  // namespace sealpost::smtp
