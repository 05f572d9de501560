// Internal to the HTTP server: one connection's byte stream, plain TCP or TLS over it when
// the listener has a certificate. The HTTP code reads and writes it alike (it is an
// AsyncReadStream and AsyncWriteStream); timeouts and closing live on the TCP layer.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <memory>
#include <optional>

namespace sealpost::http::detail {

class ConnectionStream {
public:
    using executor_type = boost::beast::tcp_stream::executor_type;

    // TLS when `tls` is set; the connection must then complete handshake() first.
    ConnectionStream(boost::asio::ip::tcp::socket socket,
                     std::shared_ptr<boost::asio::ssl::context> tls)
        : context_(std::move(tls)) {
        if (context_) {
            tls_.emplace(boost::beast::tcp_stream(std::move(socket)), *context_);
        } else {
            plain_.emplace(std::move(socket));
        }
    }

    executor_type get_executor() { return tcp().get_executor(); }
    boost::beast::tcp_stream& tcp() {
        return plain_ ? *plain_ : boost::beast::get_lowest_layer(*tls_);
    }
    bool is_tls() const { return tls_.has_value(); }
    boost::beast::ssl_stream<boost::beast::tcp_stream>& tls() { return *tls_; }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        if (tls_) {
            return tls_->async_read_some(buffers, std::forward<Token>(token));
        }
        return plain_->async_read_some(buffers, std::forward<Token>(token));
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        if (tls_) {
            return tls_->async_write_some(buffers, std::forward<Token>(token));
        }
        return plain_->async_write_some(buffers, std::forward<Token>(token));
    }

private:
    std::shared_ptr<boost::asio::ssl::context> context_;  // outlives the TLS stream using it
    std::optional<boost::beast::tcp_stream> plain_;
    std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace sealpost::http::detail
