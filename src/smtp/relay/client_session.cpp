#include "smtp/relay/client_session.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>

#include "common/log.hpp"
#include "smtp/relay/hop_failure.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;
using Cause = HopFailure::Cause;

namespace {

// A reply of more lines than this is not an SMTP server talking (EHLO replies have ~15).
constexpr int max_reply_lines = 200;

// QUIT is only politeness; do not wait long for its answer.
constexpr Connection::Seconds quit_timeout{10};

// A line from the server as it may appear in our error texts: printable and short.
std::string printable(std::string_view line) {
    std::string out;
    for (unsigned char c : line.substr(0, 120)) {
        out += (c >= ' ' && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_tls_context(const HopUri& uri) {
    if (uri.tls == TlsMode::None) {
        return nullptr;
    }
    // LIMITATION: tls=opportunistic does not check the server's certificate (RFC 7435
    // opportunistic security): it protects against eavesdropping, not against an active
    // attacker in the path. Use tls=required for a hop across networks you do not trust.
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
    if (uri.tls == TlsMode::Required && !is_loopback_host(uri.host)) {
        context->set_default_verify_paths();
    }
    return context;
}

bool is_loopback_host(const std::string& host) {
    if (host == "localhost") {
        return true;
    }
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    return !ec && address.is_loopback();
}

ClientSession::ClientSession(std::shared_ptr<const SessionSettings> settings,
                             std::shared_ptr<Connection> connection)
    : settings_(std::move(settings)), connection_(std::move(connection)) {}

asio::awaitable<std::unique_ptr<ClientSession>> ClientSession::open(
    asio::any_io_executor io, std::shared_ptr<const SessionSettings> settings, TlsMode tls) {
    std::unique_ptr<ClientSession> session(
        new ClientSession(std::move(settings), Connection::make(io)));
    try {
        co_await session->connect();
        co_await session->greet();
    } catch (const HopFailure& failure) {
        // Whatever broke before the session was open means the hop did not answer (4.4.1).
        throw HopFailure(Cause::Unreachable, failure.what());
    }
    if (tls != TlsMode::None) {
        co_await session->negotiate_tls(tls);
    }
    log::debug("relay", "session-open",
               {{"hop", session->hop_name()},
                {"tls", session->tls_active() ? "yes" : "no"},
                {"pipelining", session->extensions_.pipelining ? "yes" : "no"}});
    co_return session;
}

asio::awaitable<void> ClientSession::connect() {
    const auto& uri = settings_->uri;
    if (uri.unix_socket()) {
        co_await connection_->connect_unix(uri.path, settings_->options.connect_timeout);
    } else {
        co_await connection_->connect_tcp(uri.host, uri.port, settings_->options.connect_timeout);
    }
}

asio::awaitable<void> ClientSession::greet() {
    auto greeting = co_await read_reply_within("while waiting for the greeting",
                                               settings_->options.command_timeout);
    if (greeting.code != 220) {
        throw HopFailure(Cause::Unreachable, "the server greeted with " + greeting.summary());
    }
    co_await say_hello();
}

asio::awaitable<void> ClientSession::say_hello() {
    const auto& helo_name = settings_->options.helo_name;
    if (lmtp()) {
        auto reply = co_await command("LHLO " + helo_name, "LHLO");
        if (reply.code != 250) {
            throw HopFailure(Cause::Unreachable, "LHLO refused: " + reply.summary());
        }
        extensions_ = parse_extensions(reply.lines);
        co_return;
    }
    auto reply = co_await command("EHLO " + helo_name, "EHLO");
    if (reply.code == 250) {
        extensions_ = parse_extensions(reply.lines);
        co_return;
    }
    if (reply.code < 500) {
        throw HopFailure(Cause::Unreachable, "EHLO refused: " + reply.summary());
    }
    // RFC 5321 §3.2: a server that does not know EHLO answers 5xx; HELO still works.
    reply = co_await command("HELO " + helo_name, "HELO");
    if (reply.code != 250) {
        throw HopFailure(Cause::Unreachable, "EHLO and HELO refused: " + reply.summary());
    }
    extensions_ = Extensions{};
}

asio::awaitable<void> ClientSession::negotiate_tls(TlsMode tls) {
    bool required = tls == TlsMode::Required;
    if (!extensions_.starttls) {
        if (required) {
            throw HopFailure(Cause::TlsRequired,
                             "TLS is required but the server does not "
                             "offer STARTTLS");
        }
        co_return;
    }
    auto reply = co_await command("STARTTLS", "STARTTLS");
    if (reply.code != 220) {
        if (required) {
            throw HopFailure(Cause::TlsRequired, "STARTTLS refused: " + reply.summary());
        }
        log::warn("relay", "starttls-refused",
                  {{"hop", hop_name()}, {"reply", reply.summary()}, {"continue", "plaintext"}});
        co_return;
    }
    if (connection_->has_unread_input()) {
        // RFC 3207 §6: anything sent before the handshake could be an attacker's injection.
        throw HopFailure(Cause::TlsHandshake,
                         "TLS refused: the server sent data after its 220 to STARTTLS");
    }
    const auto& host = settings_->uri.host;
    // A named variable, not a ?: temporary in the co_await: GCC 12 destroys such a
    // temporary twice in a coroutine.
    std::string verify_host;
    if (settings_->verify_certificate) {
        verify_host = host;
    }
    co_await connection_->start_tls(*settings_->tls_context, host, verify_host,
                                    settings_->options.command_timeout);
    co_await say_hello();
}

asio::awaitable<ServerReply> ClientSession::command(std::string_view line, std::string_view name) {
    co_return co_await exchange(line, name, settings_->options.command_timeout);
}

asio::awaitable<ServerReply> ClientSession::exchange(std::string_view line, std::string_view name,
                                                     Connection::Seconds timeout) {
    log::event(log::Level::Trace, "relay", "send", {{"hop", hop_name()}, {"line", line}});
    std::string wire(line);
    wire += "\r\n";
    co_await connection_->write(wire, timeout, "while sending " + std::string(name));
    co_return co_await read_reply_within("while waiting for the reply to " + std::string(name),
                                         timeout);
}

asio::awaitable<void> ClientSession::send(std::string_view bytes, std::string_view during) {
    co_await connection_->write(bytes, settings_->options.command_timeout, during);
}

asio::awaitable<ServerReply> ClientSession::read_reply(std::string_view name) {
    co_return co_await read_reply_within("while waiting for the reply to " + std::string(name),
                                         settings_->options.command_timeout);
}

asio::awaitable<ServerReply> ClientSession::read_reply_within(std::string during,
                                                              Connection::Seconds timeout) {
    ServerReply reply;
    for (int count = 0;; ++count) {
        auto line = co_await connection_->read_line(timeout, during);
        auto parsed = parse_reply_line(line);
        if (!parsed || count == max_reply_lines || (count > 0 && parsed->code != reply.code)) {
            connection_->close();
            throw HopFailure(Cause::Protocol,
                             "malformed reply \"" + printable(line) + "\" " + during.substr(6));
        }
        reply.code = parsed->code;
        std::string text(parsed->text);
        if (count == 0) {
            reply.enhanced = take_enhanced_code(reply.code, text);
        } else if (!reply.enhanced.empty()) {
            take_enhanced_code(reply.code, text);  // RFC 2034 §3 repeats it on every line
        }
        reply.lines.push_back(std::move(text));
        if (parsed->last) {
            break;
        }
    }
    if (reply.code == 421) {
        closing_ = true;  // RFC 5321 §3.8: the server closes the session after a 421
    }
    log::event(log::Level::Trace, "relay", "reply",
               {{"hop", hop_name()}, {"reply", reply.summary()}});
    co_return reply;
}

asio::awaitable<bool> ClientSession::reset() {
    std::string why;
    try {
        auto reply = co_await command("RSET", "RSET");
        if (reply.code == 250) {
            co_return true;
        }
        why = reply.summary();
    } catch (const HopFailure& failure) {
        why = failure.what();
    }
    log::debug("relay", "pooled-session-unusable", {{"hop", hop_name()}, {"reason", why}});
    connection_->close();
    co_return false;
}

asio::awaitable<void> ClientSession::quit() {
    try {
        if (usable()) {
            co_await exchange("QUIT", "QUIT",
                              std::min(quit_timeout, settings_->options.command_timeout));
        }
    } catch (const HopFailure& failure) {
        log::debug("relay", "quit-unanswered", {{"hop", hop_name()}, {"reason", failure.what()}});
    }
    connection_->close();
}

}  // namespace sealpost::smtp
