// The ESMTP extensions of a session that go beyond RFC 5321 (see session.hpp): STARTTLS
// (RFC 3207), AUTH PLAIN (RFC 4616) and LOGIN with RFC 4954, and XFORWARD from a trusted
// front MTA (Postfix XFORWARD_README).
#include "smtp/server/session.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>

#include "common/log.hpp"
#include "smtp/server/codec.hpp"

namespace sealpost::smtp::server {

namespace asio = boost::asio;

namespace {

// RFC 4954 §4: an AUTH command line, or a response line, may be up to 12288 octets.
constexpr std::size_t max_auth_line = 12288;
constexpr std::size_t max_name_length = 255;

bool is_printable_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= ' ' && c <= '~'; });
}

bool equals_upper(std::string_view text, std::string_view upper) {
    return text.size() == upper.size() &&
           std::equal(text.begin(), text.end(), upper.begin(), [](char a, char b) {
               return std::toupper(static_cast<unsigned char>(a)) == b;
           });
}

// What Postfix sends for an attribute it does not know.
bool is_unavailable(std::string_view value) {
    return value == "[UNAVAILABLE]" || value == "[TEMPUNAVAIL]";
}

std::optional<std::string> forwarded_address(std::string_view value) {
    if (value.size() > 5 && equals_upper(value.substr(0, 5), "IPV6:")) {
        value.remove_prefix(5);
    }
    boost::system::error_code error;
    asio::ip::address address = asio::ip::make_address(std::string(value), error);
    if (error) {
        return std::nullopt;
    }
    return address.to_string();
}

}  // namespace

bool Session::tls_offered() const {
    return settings_->tls != nullptr && !connection_->tls();
}

bool Session::auth_allowed() const {
    bool safe_channel = connection_->tls() || (settings_->auth_on_loopback_without_tls &&
                                               connection_->remote_is_loopback());
    return settings_->offer_auth && safe_channel;
}

asio::awaitable<void> Session::on_starttls(std::string_view argument) {
    if (connection_->tls()) {
        reply(Outcome::TlsAlreadyActive);
    } else if (!settings_->tls) {
        reply(Outcome::TlsNotOffered);
    } else if (!argument.empty()) {
        reply(Outcome::SyntaxError, "STARTTLS takes no argument");
    } else if (!greeted_) {
        reply(Outcome::NeedHelo);
    } else if (transaction_) {
        reply(Outcome::TlsInTransaction);
    } else {
        reply(Outcome::ReadyForTls);
        co_await flush();
        if (!input_.empty()) {
            // CVE-2011-0411: what the client sent before the handshake must not count as if
            // it had come over TLS.
            log::warn("smtp", "starttls-pipelined-input-discarded",
                      {{"session", id_}, {"client", client_.address}, {"bytes", input_.size()}});
            input_.clear();
        }
        co_await connection_->start_tls(*settings_->tls, limits_.command_timeout);
        // RFC 3207 §4.2: forget everything the client said before TLS.
        greeted_ = false;
        client_.helo.clear();
        client_.authenticated_user.clear();
        client_.tls = true;
        end_transaction();
        log::info("smtp", "starttls",
                  {{"session", id_},
                   {"client", client_.address},
                   {"tls", connection_->tls_description()}});
    }
}

asio::awaitable<void> Session::on_auth(std::string_view argument) {
    if (!settings_->offer_auth) {
        reply(Outcome::AuthNotOffered);
        co_return;
    }
    if (!auth_allowed()) {
        reply(Outcome::AuthNeedsTls);
        co_return;
    }
    if (!greeted_) {
        reply(Outcome::NeedHelo);
    } else if (!client_.authenticated_user.empty()) {
        reply(Outcome::AuthAlreadyDone);
    } else if (transaction_) {
        reply(Outcome::AuthInTransaction);
    } else {
        std::string_view mechanism = argument.substr(0, argument.find(' '));
        std::optional<std::string_view> initial;
        if (mechanism.size() < argument.size()) {
            initial = argument.substr(argument.find_first_not_of(' ', mechanism.size()));
        }
        if (equals_upper(mechanism, "PLAIN")) {
            co_await auth_plain(initial);
        } else if (equals_upper(mechanism, "LOGIN")) {
            co_await auth_login(initial);
        } else {
            reply(Outcome::AuthUnknownMechanism);
        }
    }
}

// A 334 challenge and the client's response line; nullopt (with the reply queued) when the
// client cancelled with "*" or sent too long a line.
asio::awaitable<std::optional<std::string>> Session::auth_response(std::string_view challenge) {
    reply(Reply{334, "", encode_base64(challenge)});
    std::optional<std::string> line = co_await read_line(max_auth_line);
    if (!line) {
        reply(Outcome::AuthBadEncoding, "line too long");
    } else if (*line == "*") {
        reply(Outcome::AuthCancelled);
        line.reset();
    }
    co_return line;
}

// RFC 4616: base64 of authzid NUL authcid NUL password. An initial response of "=" is empty
// (RFC 4954 §4).
asio::awaitable<void> Session::auth_plain(std::optional<std::string_view> initial) {
    std::optional<std::string> response;
    if (initial) {
        response = *initial == "=" ? std::string() : std::string(*initial);
    } else {
        response = co_await auth_response("");
    }
    if (!response) {
        co_return;
    }
    std::optional<std::string> decoded = decode_base64(*response);
    if (!decoded) {
        reply(Outcome::AuthBadEncoding, "not base64");
        co_return;
    }
    Secret message(std::move(*decoded));
    const std::string& text = message.reveal();
    std::size_t first = text.find('\0');
    std::size_t second = first == std::string::npos ? first : text.find('\0', first + 1);
    if (second == std::string::npos || text.find('\0', second + 1) != std::string::npos) {
        reply(Outcome::AuthBadEncoding, "PLAIN needs authzid, user and password");
        co_return;
    }
    std::string authzid = text.substr(0, first);
    std::string user = text.substr(first + 1, second - first - 1);
    if (!authzid.empty() && authzid != user) {
        // LIMITATION: no proxy authorization; a client may only act as the user it logs in as.
        fail_auth(user);
        co_return;
    }
    co_await check_credentials(std::move(user), Secret(text.substr(second + 1)));
}

asio::awaitable<void> Session::auth_login(std::optional<std::string_view> initial) {
    std::optional<std::string> user_response;
    if (initial) {
        user_response = *initial == "=" ? std::string() : std::string(*initial);
    } else {
        user_response = co_await auth_response("Username:");
    }
    if (!user_response) {
        co_return;
    }
    std::optional<std::string> user = decode_base64(*user_response);
    if (!user) {
        reply(Outcome::AuthBadEncoding, "not base64");
        co_return;
    }
    std::optional<std::string> password_response = co_await auth_response("Password:");
    if (!password_response) {
        co_return;
    }
    std::optional<std::string> password = decode_base64(*password_response);
    if (!password) {
        reply(Outcome::AuthBadEncoding, "not base64");
        co_return;
    }
    co_await check_credentials(std::move(*user), Secret(std::move(*password)));
}

asio::awaitable<void> Session::check_credentials(std::string user, Secret password) {
    if (user.empty() || user.size() > max_name_length || !is_printable_ascii(user)) {
        reply(Outcome::AuthBadEncoding, "malformed user name");
        co_return;
    }
    std::optional<bool> accepted;
    try {
        accepted = co_await handler_.authenticate(user, std::move(password));
    } catch (const std::exception& failure) {
        log::error("smtp", "auth-check-failed", {{"session", id_}, {"error", failure.what()}});
    }
    if (!accepted) {
        reply(Outcome::AuthUnavailable);
    } else if (*accepted) {
        client_.authenticated_user = user;
        reply(Outcome::AuthSucceeded);
        log::info("smtp", "auth", {{"session", id_}, {"client", client_.address}, {"user", user}});
    } else {
        fail_auth(user);
    }
}

void Session::fail_auth(std::string_view user) {
    ++auth_failures_;
    log::warn("smtp", "auth-failed",
              {{"session", id_}, {"client", client_.address}, {"user", user}});
    reply(Outcome::AuthFailed);
    if (auth_failures_ >= limits_.max_auth_failures) {
        close_with(Outcome::TooManyAuthFailures, "too many failed AUTH attempts");
    }
}

// "XFORWARD NAME=... ADDR=..." with xtext values. Attributes add up over several commands
// (Postfix splits them to keep lines short) and hold until the transaction ends.
asio::awaitable<void> Session::on_xforward(std::string_view argument) {
    if (!settings_->trust_xforward) {
        reply(Outcome::XforwardNotPermitted);
        co_return;
    }
    if (transaction_) {
        reply(Outcome::XforwardInTransaction);
        co_return;
    }
    if (argument.empty()) {
        reply(Outcome::SyntaxError, "XFORWARD needs attributes");
        co_return;
    }
    Forwarded updated = forwarded_.value_or(Forwarded{});  // a bad command changes nothing
    while (!argument.empty()) {
        std::string_view token = argument.substr(0, argument.find(' '));
        argument.remove_prefix(std::min(argument.size(), token.size() + 1));
        std::size_t equals = token.find('=');
        std::optional<std::string> value = equals == std::string_view::npos
                                               ? std::nullopt
                                               : decode_xtext(token.substr(equals + 1));
        std::optional<std::string> problem =
            value ? apply_xforward(updated, token.substr(0, equals), std::move(*value))
                  : std::optional<std::string>("malformed XFORWARD attribute");
        if (problem) {
            reply(Outcome::SyntaxError, *problem);
            co_return;
        }
    }
    forwarded_ = std::move(updated);
    reply(Outcome::Ok);
}

// Stores one attribute; the reason when its value is unacceptable. Values end up in log lines
// and Received headers, so they must be printable ASCII after xtext decoding.
std::optional<std::string> Session::apply_xforward(Forwarded& into, std::string_view attribute,
                                                   std::string value) {
    if (!is_printable_ascii(value) || value.size() > max_name_length) {
        return "malformed XFORWARD " + std::string(attribute);
    }
    if (equals_upper(attribute, "ADDR")) {
        std::optional<std::string> address = forwarded_address(value);
        if (!is_unavailable(value) && !address) {
            return std::string("malformed XFORWARD ADDR");
        }
        into.address = address.value_or("");
    } else if (equals_upper(attribute, "NAME")) {
        into.name = is_unavailable(value) ? "[UNAVAILABLE]" : value;
    } else if (equals_upper(attribute, "HELO")) {
        into.helo = is_unavailable(value) ? "" : value;
    } else if (equals_upper(attribute, "PROTO")) {
        if (!equals_upper(value, "SMTP") && !equals_upper(value, "ESMTP") &&
            !is_unavailable(value)) {
            return std::string("XFORWARD PROTO must be SMTP or ESMTP");
        }
    } else if (equals_upper(attribute, "SOURCE")) {
        if (!equals_upper(value, "LOCAL") && !equals_upper(value, "REMOTE") &&
            !is_unavailable(value)) {
            return std::string("XFORWARD SOURCE must be LOCAL or REMOTE");
        }
    } else {
        return "unknown XFORWARD attribute " + std::string(attribute);
    }
    return std::nullopt;
}

ClientInfo Session::transaction_client() const {
    ClientInfo info = client_;
    if (forwarded_) {
        info.address = forwarded_->address.value_or(info.address);
        info.name = forwarded_->name.value_or(info.name);
        info.helo = forwarded_->helo.value_or(info.helo);
        info.forwarded = true;
    }
    return info;
}

}  // namespace sealpost::smtp::server
