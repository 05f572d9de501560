#include "http/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "common/error.hpp"
#include "common/log.hpp"
#include "http/connection.hpp"

namespace sealpost::http {

namespace net = boost::asio;
using net::ip::tcp;

namespace {

constexpr std::string_view component = "http";
// After a failed accept (out of file descriptors, say) wait a little so that a persistent
// failure does not turn the accept loop into a busy loop.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string describe(const tcp::endpoint& endpoint) {
    auto address = endpoint.address().to_string();
    if (endpoint.address().is_v6()) {
        address = "[" + address + "]";
    }
    return address + ":" + std::to_string(endpoint.port());
}

std::string describe(std::exception_ptr failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

void start_connection(tcp::socket socket, const std::shared_ptr<detail::ServerState>& state) {
    if (state->stopping()) {
        return;  // accepted just as the server stopped: close it quietly
    }
    auto connection = std::make_shared<detail::Connection>(std::move(socket), state);
    if (!state->admit(connection)) {
        log::warn(component, "connection-refused",
                  {{"peer", connection->peer()}, {"why", "too many connections"}});
        return;  // the socket closes with the connection
    }
    auto executor = connection->executor();
    net::co_spawn(executor, connection->run(), [state, connection](std::exception_ptr failure) {
        state->forget(connection.get());
        if (failure) {
            log::warn(component, "connection-failed",
                      {{"peer", connection->peer()}, {"error", describe(failure)}});
        }
    });
}

net::awaitable<void> accept_connections(std::shared_ptr<detail::ServerState> state) {
    auto& acceptor = state->acceptor;
    for (;;) {
        boost::system::error_code ec;
        auto socket = co_await acceptor.async_accept(net::make_strand(state->io),
                                                     net::redirect_error(net::use_awaitable, ec));
        if (!acceptor.is_open() || state->stopping()) {
            co_return;
        }
        if (ec) {
            log::warn(component, "accept-failed", {{"error", ec.message()}});
            net::steady_timer pause(acceptor.get_executor(), accept_retry_delay);
            co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
            continue;
        }
        start_connection(tcp::socket(std::move(socket)), state);
    }
}

}  // namespace

namespace detail {

ServerState::ServerState(net::io_context& io_context, HttpServerOptions server_options,
                         metrics::Registry& metrics_registry)
    : options(std::move(server_options)),
      requests(metrics::http_requests_total(metrics_registry)),
      io(io_context),
      acceptor(net::make_strand(io_context)) {}

bool ServerState::admit(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(mutex_);
    if (stopping_ || connections_.size() >= options.max_connections) {
        return false;
    }
    connections_.emplace(connection.get(), connection);
    return true;
}

void ServerState::forget(const Connection* connection) {
    std::lock_guard lock(mutex_);
    connections_.erase(connection);
}

std::vector<std::shared_ptr<Connection>> ServerState::begin_stop() {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    std::vector<std::shared_ptr<Connection>> open;
    for (const auto& [key, weak] : connections_) {
        if (auto connection = weak.lock()) {
            open.push_back(std::move(connection));
        }
    }
    return open;
}

bool ServerState::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

}  // namespace detail

HttpServer::HttpServer(net::io_context& io, HttpServerOptions options, metrics::Registry& registry)
    : state_(std::make_shared<detail::ServerState>(io, std::move(options), registry)) {
    state_->router.add("GET", "/metrics", [&registry](const Request&) {
        return Response{200, std::string(metrics::text_content_type), registry.render(), {}};
    });
    state_->router.add("GET", "/healthz", [](const Request&) { return text_response(200, "ok"); });
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::check_not_started() const {
    if (started_) {
        throw Error(ErrorKind::Conflict, "HTTP routes must be added before the server starts");
    }
}

void HttpServer::add_route(std::string method, std::string path, Handler handler) {
    check_not_started();
    state_->router.add(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::add_route(std::string method, std::string path, PlainHandler handler) {
    check_not_started();
    state_->router.add(std::move(method), std::move(path), std::move(handler));
}

void HttpServer::add_prefix_route(std::string method, std::string prefix, Handler handler) {
    check_not_started();
    state_->router.add_prefix(std::move(method), std::move(prefix), std::move(handler));
}

void HttpServer::add_prefix_route(std::string method, std::string prefix, PlainHandler handler) {
    check_not_started();
    state_->router.add_prefix(std::move(method), std::move(prefix), std::move(handler));
}

void HttpServer::start() {
    check_not_started();
    auto endpoint = parse_listen_address(state_->options.listen);
    auto& acceptor = state_->acceptor;
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        boost::system::error_code ignored;  // the reason is the first error, not the close's
        acceptor.close(ignored);
        throw Error(ErrorKind::Temporary,
                    "cannot listen for HTTP on " + state_->options.listen + ": " + ec.message());
    }
    bound_port_ = acceptor.local_endpoint().port();
    started_ = true;
    log::info(component, "listening", {{"address", describe(acceptor.local_endpoint())}});

    net::co_spawn(
        acceptor.get_executor(), accept_connections(state_), [](std::exception_ptr failure) {
            if (failure) {
                // Not expected: accept errors are handled in the loop. The server
                // no longer accepts, which an operator must know.
                log::error(component, "accept-loop-failed", {{"error", describe(failure)}});
            }
        });
}

void HttpServer::stop() {
    auto state = state_;
    net::dispatch(state->acceptor.get_executor(), [state] {
        if (state->acceptor.is_open()) {
            boost::system::error_code ignored;  // closing is all we want; nothing to report
            state->acceptor.close(ignored);
            log::info(component, "stopped", {});
        }
    });
    for (const auto& connection : state->begin_stop()) {
        connection->shut_down();
    }
}

tcp::endpoint parse_listen_address(std::string_view address) {
    auto colon = address.rfind(':');
    if (colon == std::string_view::npos) {
        throw Error(ErrorKind::BadInput,
                    "listen address '" + std::string(address) + "' has no ':port'");
    }
    auto host = address.substr(0, colon);
    auto port_text = address.substr(colon + 1);
    bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        throw Error(ErrorKind::BadInput, "listen address '" + std::string(address) +
                                             "': write an IPv6 address in brackets, [::1]:9025");
    }

    unsigned port = 0;
    auto [end, parse_error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || parse_error != std::errc{} ||
        end != port_text.data() + port_text.size() || port > 65535) {
        throw Error(ErrorKind::BadInput, "listen address '" + std::string(address) +
                                             "': port is not a number from 0 to 65535");
    }
    boost::system::error_code ec;
    auto ip = net::ip::make_address(std::string(host), ec);
    if (ec || (bracketed && !ip.is_v6())) {
        throw Error(ErrorKind::BadInput, "listen address '" + std::string(address) + "': '" +
                                             std::string(host) + "' is not an IP address");
    }
    return tcp::endpoint(ip, static_cast<std::uint16_t>(port));
}

}  // namespace sealpost::http
