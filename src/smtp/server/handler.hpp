// What an SMTP listener hands to the rest of Sealpost: one accepted transaction at the end of
// DATA, and AUTH credentials to check. The server owns the protocol; the handler owns what
// happens to the mail. Both calls are awaited on the I/O thread; an implementation that does
// CPU or disk work moves it to a worker pool and back.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.hpp"

namespace sealpost::smtp {

enum class Role {
    Submission,  // mail from the organisation's users: eligible for signing and encryption
    Inbound,     // mail from the outside world: eligible for decryption and verification
};

// One SMTP reply. `enhanced` is the RFC 3463 code ("2.0.0"), empty for replies that have none
// (greeting, EHLO). `text` may hold several lines separated by '\n'.
struct Reply {
    int code = 250;
    std::string enhanced;
    std::string text;

    bool positive() const { return code >= 200 && code < 400; }
    bool temporary() const { return code >= 400 && code < 500; }
    bool permanent() const { return code >= 500; }
};

// Who is on the other end. With XFORWARD from a trusted front MTA, address/name/helo are the
// original client's, and `forwarded` is true.
struct ClientInfo {
    std::string address;  // IP address as text, without port
    std::string name;     // reverse name or XFORWARD NAME; "[UNAVAILABLE]" if unknown
    std::string helo;     // EHLO/HELO argument
    bool tls = false;
    bool forwarded = false;
    std::string authenticated_user;  // AUTH identity; empty if not authenticated
};

// One mail transaction, complete: envelope and data as received, dot-unstuffed, with CRLF
// line endings and without the final ".".
struct Transaction {
    std::string queue_id;  // the session's queue ID for this transaction, used in every log line
    std::string listener;  // the listener's address, as configured
    Role role = Role::Submission;
    ClientInfo client;
    std::string sender;  // reverse-path without <>; empty for the null reverse-path
    std::vector<std::string> recipients;
    std::string data;
};

class Handler {
public:
    virtual ~Handler() = default;

    // Called once per transaction after the end of DATA; its reply goes to the client as is.
    // Must not throw: a failure becomes a 4xx reply (the sender keeps the message).
    virtual boost::asio::awaitable<Reply> deliver(Transaction transaction) = 0;

    // RCPT: a refusal of `recipient` for the transaction `queue_id` of a listener of `role`, or
    // nothing to accept it. By default every syntactically valid recipient is accepted and the
    // next hop judges it.
    virtual boost::asio::awaitable<std::optional<Reply>> check_recipient(std::string queue_id,
                                                                         std::string recipient,
                                                                         Role role) {
        (void)queue_id;
        (void)recipient;
        (void)role;
        co_return std::nullopt;
    }

    // AUTH PLAIN/LOGIN: whether `user` may log in with `password`.
    virtual boost::asio::awaitable<bool> authenticate(std::string user, Secret password) = 0;
};

}  // namespace sealpost::smtp
