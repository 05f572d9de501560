// A session's TCP or TLS connection with deadlines (see connection.hpp).
#include "smtp/server/connection.hpp"

#include <openssl/ssl.h>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace sealpost::smtp::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

asio::ip::address plain_address(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address;
}

}  // namespace

Connection::Connection(tcp::socket socket)
    : plain_(std::move(socket)), deadline_(plain_.get_executor()) {}

tcp::socket& Connection::socket() {
    return tls_ ? tls_->next_layer() : plain_;
}

const tcp::socket& Connection::socket() const {
    return tls_ ? tls_->next_layer() : plain_;
}

asio::awaitable<std::size_t> Connection::read_some(std::span<char> into, Duration timeout) {
    boost::system::error_code error;
    auto token = asio::redirect_error(asio::use_awaitable, error);
    auto buffer = asio::buffer(into.data(), into.size());
    arm(timeout);
    std::size_t size = tls_ ? co_await tls_->async_read_some(buffer, token)
                            : co_await plain_.async_read_some(buffer, token);
    disarm();
    if (error) {
        throw_failure(error);
    }
    co_return size;
}

asio::awaitable<void> Connection::write_all(std::string_view bytes, Duration timeout) {
    boost::system::error_code error;
    auto token = asio::redirect_error(asio::use_awaitable, error);
    auto buffer = asio::buffer(bytes.data(), bytes.size());
    arm(timeout);
    if (tls_) {
        co_await asio::async_write(*tls_, buffer, token);
    } else {
        co_await asio::async_write(plain_, buffer, token);
    }
    disarm();
    if (error) {
        throw_failure(error);
    }
}

asio::awaitable<void> Connection::start_tls(asio::ssl::context& context, Duration timeout) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket>>(std::move(plain_), context);
    boost::system::error_code error;
    arm(timeout);
    co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                   asio::redirect_error(asio::use_awaitable, error));
    disarm();
    if (error) {
        throw_failure(error);
    }
    handshake_done_ = true;
}

void Connection::cancel() {
    boost::system::error_code error;
    socket().cancel(error);  // fails only when the socket is closed: nothing left to cancel
}

void Connection::close() {
    deadline_.cancel();
    boost::system::error_code error;
    // Both fail only when the peer is gone or the socket already closed: nothing to undo.
    socket().shutdown(tcp::socket::shutdown_both, error);
    socket().close(error);
}

std::string Connection::tls_description() const {
    if (!tls_) {
        return {};
    }
    SSL* ssl = const_cast<asio::ssl::stream<tcp::socket>&>(*tls_).native_handle();
    return std::string(SSL_get_version(ssl)) + " " + SSL_get_cipher_name(ssl);
}

std::string Connection::remote_address() const {
    boost::system::error_code error;
    tcp::endpoint peer = socket().remote_endpoint(error);
    return error ? std::string() : plain_address(peer.address()).to_string();
}

bool Connection::remote_is_loopback() const {
    boost::system::error_code error;
    tcp::endpoint peer = socket().remote_endpoint(error);
    return !error && plain_address(peer.address()).is_loopback();
}

unsigned short Connection::local_port() const {
    boost::system::error_code error;
    tcp::endpoint local = socket().local_endpoint(error);
    return error ? 0 : local.port();
}

void Connection::arm(Duration timeout) {
    timed_out_ = false;
    deadline_.expires_after(timeout);
    // The handler holds only a weak reference: the connection may be gone when it runs.
    deadline_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
        if (auto self = weak.lock(); self && !error) {
            self->on_deadline();
        }
    });
}

void Connection::disarm() {
    deadline_.expires_at(asio::steady_timer::time_point::max());
}

void Connection::on_deadline() {
    if (deadline_.expiry() > asio::steady_timer::clock_type::now()) {
        return;  // a later operation re-armed the deadline after this handler was queued
    }
    timed_out_ = true;
    cancel();
}

void Connection::throw_failure(const boost::system::error_code& error) {
    if (timed_out_) {
        throw boost::system::system_error(asio::error::timed_out);
    }
    throw boost::system::system_error(error);
}

}  // namespace sealpost::smtp::server
