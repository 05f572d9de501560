// How one SMTP listener behaves (DESIGN.md §1): where it listens, its role, whom it trusts,
// and the limits every session on it keeps.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "smtp/server/handler.hpp"

namespace sealpost::smtp {

struct SessionLimits {
    std::size_t max_message_size = 25 * 1024 * 1024;  // advertised with SIZE (RFC 1870)
    std::size_t max_recipients = 1000;                // per message; more get 452 4.5.3
    std::size_t max_command_line = 512;               // RFC 5321 §4.5.3.1.4, CRLF included
    std::size_t max_data_line = 1000;                 // RFC 5321 §4.5.3.1.6, CRLF included
    // Commands other than MAIL, RCPT and DATA since the session began or last delivered a
    // message; past it, 421 and close (a client that talks but never sends mail).
    std::size_t max_non_mail_commands = 100;
    std::size_t max_errors = 10;        // replies of 4xx/5xx to the client's commands
    std::size_t max_auth_failures = 3;  // failed AUTH attempts
    // Sessions at once on all the server's listeners together, and from one client IP on all
    // of them; a connection past either is refused (421 4.3.2, 421 4.7.0). Each listener
    // admits by its own values, against the server's counts.
    std::size_t max_connections = 200;
    std::size_t max_connections_per_address = 20;
    // RFC 5321 §4.5.3.2.7: at least 5 minutes waiting for a command (also bounds each write
    // and the TLS handshake); §4.5.3.2.5: 3 minutes for each block of message data.
    std::chrono::milliseconds command_timeout = std::chrono::minutes(5);
    std::chrono::milliseconds data_timeout = std::chrono::minutes(3);
};

struct ListenerSettings {
    std::string address;  // "127.0.0.1:10025" or "[::1]:25"; port 0 picks a free port
    Role role = Role::Submission;
    bool trust_xforward = false;  // accept XFORWARD: only behind a front MTA that sends it
    bool require_auth = false;    // MAIL needs AUTH first (530 5.7.0); needs offer_auth
    bool offer_auth = false;      // AUTH PLAIN LOGIN, over TLS (or loopback, see below)
    // Whether a client on a loopback address may AUTH without TLS: the password never leaves
    // the machine. Off makes loopback count as any other network.
    bool auth_on_loopback_without_tls = true;
    std::shared_ptr<boost::asio::ssl::context> tls;  // null: no STARTTLS
    SessionLimits limits;
    std::string hostname = "localhost";  // our name in the greeting and replies
};

}  // namespace sealpost::smtp
