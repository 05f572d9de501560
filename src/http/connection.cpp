#include "http/connection.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

#include "common/error.hpp"
#include "common/log.hpp"

namespace sealpost::http::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view component = "http";
// After refusing a request we read (and drop) what the client still sends for a moment, so
// that closing with unread data does not reset the connection before the client has read
// our answer.
constexpr std::size_t max_drain_bytes = 1 << 20;
constexpr std::chrono::milliseconds max_drain_time{2000};

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

auto with_error(beast::error_code& ec) {
    return net::redirect_error(net::use_awaitable, ec);
}

std::string to_string(beast::string_view text) {
    return std::string(text.data(), text.size());
}

std::string reason_phrase(unsigned status) {
    return to_string(bhttp::obsolete_reason(bhttp::int_to_status(status)));
}

bool expects_continue(const bhttp::request<bhttp::string_body>& header) {
    auto expect = header[bhttp::field::expect];
    return header.version() >= 11 && beast::iequals(expect, "100-continue");
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& peer) {
    Request request;
    request.method = to_string(message.method_string());
    auto target = message.target();
    auto question = target.find('?');
    request.path = to_string(target.substr(0, question));
    if (question != beast::string_view::npos) {
        request.query = to_string(target.substr(question + 1));
    }
    for (const auto& field : message) {
        request.headers.emplace_back(to_string(field.name_string()), to_string(field.value()));
    }
    request.body = std::move(message.body());
    request.peer = peer;
    return request;
}

// Beast's parser errors other than "the client stopped sending" mean a malformed request.
bool is_malformed_request(beast::error_code ec) {
    static const auto& parser_errors = bhttp::make_error_code(bhttp::error::bad_method).category();
    return ec.category() == parser_errors && ec != bhttp::error::end_of_stream &&
           ec != bhttp::error::partial_message;
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

// A handler's response must be one we can send as it is: a real status, no header injection.
void check_response(const Response& response) {
    if (response.status < 200 || response.status > 599) {
        throw Error(ErrorKind::Internal,
                    "handler answered with status " + std::to_string(response.status));
    }
    bool bad = has_line_break(response.content_type);
    for (const auto& [name, value] : response.headers) {
        bad = bad || name.empty() || has_line_break(name) || has_line_break(value);
    }
    if (bad) {
        throw Error(ErrorKind::Internal, "handler answered with a line break in a header field");
    }
}

unsigned status_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadInput:
            return 400;
        case ErrorKind::NotFound:
            return 404;
        case ErrorKind::LimitExceeded:
            return 413;
        case ErrorKind::Temporary:
            return 503;
        default:
            return 500;
    }
}

// Our own trouble is not the client's business: 5xx bodies say only what kind of failure.
Response error_response(unsigned status, std::string_view what) {
    return text_response(status, status < 500 ? what : reason_phrase(status));
}

std::string peer_of(const net::ip::tcp::socket& socket) {
    beast::error_code ec;
    auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return "unknown";
    }
    auto address = endpoint.address().to_string();
    if (endpoint.address().is_v6()) {
        address = "[" + address + "]";
    }
    return address + ":" + std::to_string(endpoint.port());
}

}  // namespace

struct Connection::Incoming {
    bhttp::request_parser<bhttp::string_body> parser;
    Clock::time_point started;
};

Connection::Connection(net::ip::tcp::socket socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      stream_(std::move(socket), state_->options.tls),
      peer_(peer_of(stream_.tcp().socket())) {}

void Connection::shut_down() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
        self->closing_ = true;
        if (self->waiting_) {
            self->stream_.tcp().cancel();
        }
    });
}

net::awaitable<bool> Connection::handshake() {
    if (!stream_.is_tls()) {
        co_return true;
    }
    beast::error_code ec;
    waiting_ = true;
    stream_.tcp().expires_after(state_->options.read_timeout);
    co_await stream_.tls().async_handshake(net::ssl::stream_base::server, with_error(ec));
    waiting_ = false;
    if (ec) {
        // A peer that connects and leaves (a port probe) is no news; anything else is.
        bool left = ec == net::ssl::error::stream_truncated || ec == net::error::eof;
        log::event(left ? log::Level::Debug : log::Level::Warn, component, "tls-failed",
                   {{"peer", peer_}, {"error", ec.message()}});
        beast::error_code ignored;
        stream_.tcp().socket().close(ignored);
        co_return false;
    }
    co_return true;
}

net::awaitable<void> Connection::run() {
    if (!co_await handshake()) {
        co_return;
    }
    bool drain = false;
    while (!closing_ && !state_->stopping()) {
        Incoming incoming;
        auto outcome = co_await read_request(incoming);
        if (outcome != ReadOutcome::Request) {
            drain = outcome == ReadOutcome::Refused;
            break;
        }
        if (!co_await answer(incoming)) {
            break;
        }
    }
    co_await close(drain);
}

net::awaitable<Connection::ReadOutcome> Connection::read_request(Incoming& incoming) {
    auto& parser = incoming.parser;
    parser.header_limit(static_cast<std::uint32_t>(state_->options.max_header_bytes));
    parser.body_limit(state_->options.max_body_bytes);
    waiting_ = true;
    stream_.tcp().expires_after(state_->options.read_timeout);

    beast::error_code ec;
    co_await bhttp::async_read_header(stream_, buffer_, parser, with_error(ec));
    if (!ec && expects_continue(parser.get())) {
        // RFC 9110 §10.1.1: a client that sent "Expect: 100-continue" waits for this before
        // the body; the body limit was already checked against Content-Length.
        co_await net::async_write(stream_, net::buffer(continue_line), with_error(ec));
    }
    if (!ec && !parser.is_done()) {
        co_await bhttp::async_read(stream_, buffer_, parser, with_error(ec));
    }
    waiting_ = false;
    incoming.started = Clock::now();
    if (!ec) {
        co_return ReadOutcome::Request;
    }
    co_return co_await on_read_error(ec, parser.got_some());
}

net::awaitable<Connection::ReadOutcome> Connection::on_read_error(beast::error_code ec,
                                                                  bool got_some) {
    if (ec == bhttp::error::body_limit) {
        co_await reject(
            413, "request body over " + std::to_string(state_->options.max_body_bytes) + " bytes");
        co_return ReadOutcome::Refused;
    }
    if (ec == bhttp::error::header_limit) {
        co_await reject(431, "request header over " +
                                 std::to_string(state_->options.max_header_bytes) + " bytes");
        co_return ReadOutcome::Refused;
    }
    if (is_malformed_request(ec)) {
        co_await reject(400, "malformed request: " + ec.message());
        co_return ReadOutcome::Refused;
    }
    if (ec == beast::error::timeout && got_some) {
        // A client that does not finish its request in time holds a connection for nothing.
        log::warn(component, "request-timeout", {{"peer", peer_}});
    } else if (ec == net::error::operation_aborted && closing_) {
        log::debug(component, "connection-closed", {{"peer", peer_}, {"why", "server stopping"}});
    } else if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream ||
               (!got_some && ec == net::error::connection_reset)) {
        log::debug(component, "connection-closed", {{"peer", peer_}, {"why", ec.message()}});
    } else {
        log::warn(component, "read-failed", {{"peer", peer_}, {"error", ec.message()}});
    }
    co_return ReadOutcome::Closed;
}

net::awaitable<bool> Connection::answer(Incoming& incoming) {
    auto& message = incoming.parser.get();
    bool keep_alive = message.keep_alive();
    unsigned version = message.version();
    Request request = to_request(incoming.parser.release(), peer_);

    Response response = co_await respond(*state_, request);
    // Counted before the response leaves, so a client that has it can already see it counted.
    state_->requests.with({std::to_string(response.status)}).inc();
    keep_alive = keep_alive && !closing_ && !state_->stopping();
    bool written = co_await write(version, request.method == "HEAD", response, keep_alive);

    auto elapsed_us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - incoming.started);
    log::debug(component, "request",
               {{"peer", peer_},
                {"method", request.method},
                {"path", request.path},
                {"status", response.status},
                {"bytes", response.body.size()},
                {"duration_us", elapsed_us.count()}});
    bool reuse = written && keep_alive;
    co_return reuse;
}

net::awaitable<void> Connection::reject(unsigned status, std::string why) {
    log::warn(component, "request-refused", {{"peer", peer_}, {"status", status}, {"why", why}});
    state_->requests.with({std::to_string(status)}).inc();
    co_await write(11, false, text_response(status, reason_phrase(status)), false);
}

net::awaitable<bool> Connection::write(unsigned version, bool head_only, const Response& response,
                                       bool keep_alive) {
    bhttp::response<bhttp::string_body> message;
    message.version(version);
    message.result(response.status);
    if (!response.content_type.empty()) {  // e.g. a 304, which has no body to describe
        message.set(bhttp::field::content_type, response.content_type);
    }
    message.set("X-Content-Type-Options", "nosniff");
    for (const auto& [name, value] : response.headers) {
        message.insert(name, value);
    }
    message.body() = response.body;
    message.prepare_payload();
    if (head_only) {
        message.body().clear();  // RFC 9110 §9.3.2: same header fields as GET, no content
    }
    message.keep_alive(keep_alive);

    beast::error_code ec;
    stream_.tcp().expires_after(state_->options.write_timeout);
    co_await bhttp::async_write(stream_, message, with_error(ec));
    if (ec) {
        log::warn(component, "write-failed", {{"peer", peer_}, {"error", ec.message()}});
        co_return false;
    }
    co_return true;
}

net::awaitable<void> Connection::close(bool drain) {
    // The socket may already be closed (a timeout closes it); errors from shutting down a
    // connection we are done with change nothing, so they are not reported.
    beast::error_code ignored;
    auto& socket = stream_.tcp().socket();
    if (stream_.is_tls() && socket.is_open()) {
        // close_notify, so the client knows the response is whole; not waited for long.
        stream_.tcp().expires_after(max_drain_time);
        co_await stream_.tls().async_shutdown(with_error(ignored));
    }
    socket.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    if (drain && socket.is_open()) {
        stream_.tcp().expires_after(std::min(state_->options.read_timeout, max_drain_time));
        std::array<char, 4096> sink;
        std::size_t drained = 0;
        beast::error_code ec;
        while (!ec && drained < max_drain_bytes) {
            drained += co_await stream_.async_read_some(net::buffer(sink), with_error(ec));
        }
    }
    socket.close(ignored);
}

net::awaitable<Response> respond(const ServerState& state, const Request& request) {
    auto match = state.router.find(request.method, request.path);
    if (match.handler == nullptr) {
        auto response = text_response(match.status, reason_phrase(match.status));
        if (match.status == 405) {
            response.headers.emplace_back("Allow", match.allow);
        }
        co_return response;
    }
    std::string failure;
    unsigned status = 500;
    try {
        Response response = co_await (*match.handler)(request);
        check_response(response);
        co_return response;
    } catch (const Error& e) {
        failure = e.what();
        status = status_for(e.kind());
    } catch (const std::exception& e) {
        failure = e.what();
    } catch (...) {
        failure = "unknown exception";
    }
    log::warn(component, "handler-failed",
              {{"peer", request.peer},
               {"method", request.method},
               {"path", request.path},
               {"status", status},
               {"error", failure}});
    co_return error_response(status, failure);
}

}  // namespace sealpost::http::detail
