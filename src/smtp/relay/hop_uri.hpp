// The next hop's address as configured (`next_hop = "smtp://127.0.0.1:10026"`), parsed and
// checked once, when the hop is made.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sealpost::smtp {

enum class HopProtocol { Smtp, Lmtp, Maildir };

enum class TlsMode {
    None,           // never STARTTLS
    Opportunistic,  // STARTTLS when offered, without checking the certificate
    Required,       // STARTTLS or no delivery; the certificate is checked unless on loopback
};

struct HopUri {
    HopProtocol protocol = HopProtocol::Smtp;
    std::string host;  // name or IP address, without brackets; empty for Unix sockets
    std::uint16_t port = 0;
    std::string path;  // the Unix socket (lmtp:unix:) or the Maildir root (maildir:)
    TlsMode tls = TlsMode::None;

    bool unix_socket() const { return protocol != HopProtocol::Maildir && !path.empty(); }

    // "smtp://127.0.0.1:10027", "smtp://[::1]:25", "lmtp:unix:/run/dovecot/lmtp",
    // "maildir:/var/mail": for log lines and outcome texts.
    std::string describe() const;
};

// Accepts:
//   smtp://HOST[:PORT][?tls=none|opportunistic|required]  (port 25, tls=opportunistic)
//   lmtp://HOST[:PORT]                                    (port 24)
//   lmtp:unix:/absolute/path
//   maildir:/absolute/path
// HOST is a DNS name, an IPv4 address or an IPv6 address in brackets. Anything else throws
// Error(BadInput) saying what is wrong with the URI.
HopUri parse_hop_uri(std::string_view uri);

}  // namespace sealpost::smtp
