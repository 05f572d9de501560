#include "smtp/relay/connection.hpp"

#include <sys/un.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cctype>

#include "smtp/relay/hop_failure.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; servers add longer texts in
// practice, so be generous but bounded.
constexpr std::size_t max_reply_line = 64 * 1024;

auto redirect(boost::system::error_code& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
}

std::string describe_error(const boost::system::error_code& ec) {
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
        return "connection closed by the server";
    }
    std::string text = ec.message();
    if (!text.empty()) {
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    }
    return text;
}

bool is_ip_address(const std::string& host) {
    boost::system::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

}  // namespace

std::shared_ptr<Connection> Connection::make(asio::any_io_executor io) {
    return std::shared_ptr<Connection>(new Connection(std::move(io)));
}

Connection::Connection(asio::any_io_executor io) : io_(io), timer_(io) {}

asio::awaitable<void> Connection::connect_tcp(std::string host, std::uint16_t port,
                                              Seconds timeout) {
    // LIMITATION: a host name is resolved with the system resolver (getaddrinfo on Asio's
    // resolver thread), not through Sealpost's DNS module; next hops are mostly addresses.
    boost::system::error_code ec;
    tcp::resolver resolver(io_);
    resolving_ = &resolver;
    arm(timeout);
    // Named, not temporaries: GCC 12 mishandles temporaries in a co_await expression.
    std::string service = std::to_string(port);
    auto token = redirect(ec);
    auto endpoints = co_await resolver.async_resolve(host, service, token);
    resolving_ = nullptr;
    if (ec || timed_out_) {
        fail(ec, timeout, "resolving " + host, true);
    }
    // One address after the other under one deadline; asio's range connect would go on to
    // the next address after the timer closed the socket.
    ec = asio::error::host_not_found;
    for (auto it = endpoints.begin(); it != endpoints.end() && !timed_out_; ++it) {
        tcp_.emplace(io_);
        co_await tcp_->async_connect(it->endpoint(), redirect(ec));
        if (!ec) {
            break;
        }
    }
    disarm();
    if (ec || timed_out_) {
        fail(ec, timeout, "", true);
    }
    tcp_->set_option(tcp::no_delay(true), ec);
}

asio::awaitable<void> Connection::connect_unix(std::string path, Seconds timeout) {
    if (path.size() >= sizeof(sockaddr_un::sun_path)) {
        throw HopFailure(HopFailure::Cause::Unreachable, "the socket path is too long");
    }
    boost::system::error_code ec;
    unix_.emplace(io_);
    arm(timeout);
    co_await unix_->async_connect(asio::local::stream_protocol::endpoint(path), redirect(ec));
    disarm();
    if (ec) {
        fail(ec, timeout, "", true);
    }
}

asio::awaitable<void> Connection::start_tls(asio::ssl::context& context,
                                            const std::string& server_name,
                                            const std::string& verify_host, Seconds timeout) {
    if (!tcp_) {
        throw HopFailure(HopFailure::Cause::TlsHandshake, "TLS needs a TCP connection");
    }
    tls_.emplace(std::move(*tcp_), context);
    tcp_.reset();
    if (!is_ip_address(server_name)) {
        // SNI (RFC 6066 §3) takes names only, never addresses.
        SSL_set_tlsext_host_name(tls_->native_handle(), server_name.c_str());
    }
    if (verify_host.empty()) {
        tls_->set_verify_mode(asio::ssl::verify_none);
    } else {
        tls_->set_verify_mode(asio::ssl::verify_peer);
        tls_->set_verify_callback(asio::ssl::host_name_verification(verify_host));
    }
    boost::system::error_code ec;
    arm(timeout);
    co_await tls_->async_handshake(asio::ssl::stream_base::client, redirect(ec));
    disarm();
    if (ec) {
        bool timed_out = timed_out_;
        close();
        throw HopFailure(
            HopFailure::Cause::TlsHandshake,
            "TLS handshake failed: " +
                (timed_out ? "timed out after " + std::to_string(timeout.count()) + " s"
                           : describe_error(ec)));
    }
}

asio::awaitable<void> Connection::write(std::string_view bytes, Seconds timeout,
                                        std::string_view during) {
    boost::system::error_code ec;
    auto buffer = asio::buffer(bytes.data(), bytes.size());
    arm(timeout);
    if (tls_) {
        co_await asio::async_write(*tls_, buffer, redirect(ec));
    } else if (unix_) {
        co_await asio::async_write(*unix_, buffer, redirect(ec));
    } else if (tcp_) {
        co_await asio::async_write(*tcp_, buffer, redirect(ec));
    } else {
        ec = asio::error::not_connected;
    }
    disarm();
    if (ec) {
        fail(ec, timeout, during, false);
    }
}

asio::awaitable<std::string> Connection::read_line(Seconds timeout, std::string_view during) {
    for (;;) {
        auto end = inbox_.find('\n');
        if (end != std::string::npos) {
            std::string line = inbox_.substr(0, end);
            if (!line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            inbox_.erase(0, end + 1);
            co_return line;
        }
        if (inbox_.size() > max_reply_line) {
            close();
            throw HopFailure(HopFailure::Cause::Protocol,
                             "a reply line of more than 64 KiB " + std::string(during));
        }
        char buffer[4096];
        boost::system::error_code ec;
        arm(timeout);
        auto received = co_await read_some(buffer, sizeof buffer, ec);
        disarm();
        if (ec) {
            fail(ec, timeout, during, false);
        }
        inbox_.append(buffer, received);
    }
}

asio::awaitable<std::size_t> Connection::read_some(char* buffer, std::size_t size,
                                                   boost::system::error_code& ec) {
    auto space = asio::buffer(buffer, size);
    if (tls_) {
        co_return co_await tls_->async_read_some(space, redirect(ec));
    }
    if (unix_) {
        co_return co_await unix_->async_read_some(space, redirect(ec));
    }
    if (tcp_) {
        co_return co_await tcp_->async_read_some(space, redirect(ec));
    }
    ec = asio::error::not_connected;
    co_return 0;
}

bool Connection::is_open() const {
    if (tls_) {
        return tls_->next_layer().is_open();
    }
    if (unix_) {
        return unix_->is_open();
    }
    return tcp_ && tcp_->is_open();
}

void Connection::close() {
    // Closing is the end of this connection whatever happens; an error from close() has
    // nothing left to tell, so it is not reported.
    boost::system::error_code ignored;
    if (resolving_ != nullptr) {
        resolving_->cancel();
    }
    if (tcp_) {
        tcp_->close(ignored);
    }
    if (tls_) {
        tls_->next_layer().close(ignored);
    }
    if (unix_) {
        unix_->close(ignored);
    }
}

void Connection::arm(Seconds timeout) {
    timed_out_ = false;
    auto generation = ++deadline_generation_;
    timer_.expires_after(timeout);
    timer_.async_wait([weak = weak_from_this(), generation](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self || self->deadline_generation_ != generation) {
            return;  // the operation finished in time, or the connection is gone
        }
        self->timed_out_ = true;
        self->close();
    });
}

void Connection::disarm() {
    ++deadline_generation_;
    timer_.cancel();
}

void Connection::fail(boost::system::error_code ec, Seconds timeout, std::string_view during,
                      bool connecting) {
    close();
    auto cause = connecting ? HopFailure::Cause::Unreachable : HopFailure::Cause::Connection;
    std::string reason = timed_out_ ? "timed out after " + std::to_string(timeout.count()) + " s"
                                    : describe_error(ec);
    if (!during.empty()) {
        reason += ' ';
        reason += during;
    }
    throw HopFailure(cause, reason);
}

}  // namespace sealpost::smtp
