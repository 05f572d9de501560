#include "smtp/relay/hop_uri.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>

#include "common/error.hpp"

namespace sealpost::smtp {

namespace {

[[noreturn]] void refuse(std::string_view uri, std::string_view why) {
    throw Error(ErrorKind::BadInput,
                "next hop \"" + std::string(uri) + "\" is not usable: " + std::string(why));
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

bool is_host_name(std::string_view host) {
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
        return false;
    }
    for (char c : host) {
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        if (!letter && !digit && c != '-' && c != '.' && c != '_') {
            return false;
        }
    }
    return true;
}

std::string absolute_path(std::string_view uri, std::string_view path) {
    if (path.empty() || path.front() != '/') {
        refuse(uri, "the path must be absolute (start with /)");
    }
    for (unsigned char c : path) {
        if (c < 0x20 || c == 0x7f) {
            refuse(uri, "the path contains a control character");
        }
    }
    return std::string(path);
}

std::uint16_t parse_port(std::string_view uri, std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
        value > 65535) {
        refuse(uri, "the port \"" + std::string(text) + "\" is not a number from 1 to 65535");
    }
    return static_cast<std::uint16_t>(value);
}

// "host", "host:port", "[v6]", "[v6]:port" into `hop`.
void parse_authority(std::string_view uri, std::string_view authority, HopUri& hop) {
    std::string_view port_text;
    if (starts_with(authority, "[")) {
        auto close = authority.find(']');
        if (close == std::string_view::npos) {
            refuse(uri, "an IPv6 address lacks its closing ]");
        }
        hop.host = std::string(authority.substr(1, close - 1));
        boost::system::error_code ec;
        boost::asio::ip::make_address_v6(hop.host, ec);
        if (ec) {
            refuse(uri, "\"" + hop.host + "\" is not an IPv6 address");
        }
        auto rest = authority.substr(close + 1);
        if (!rest.empty() && !starts_with(rest, ":")) {
            refuse(uri, "unexpected text after the IPv6 address");
        }
        port_text = rest.empty() ? rest : rest.substr(1);
    } else {
        auto colon = authority.find(':');
        if (colon != std::string_view::npos && authority.find(':', colon + 1) != authority.npos) {
            refuse(uri, "an IPv6 address must be written in brackets, as [::1]");
        }
        hop.host = std::string(authority.substr(0, colon));
        if (!is_host_name(hop.host)) {
            refuse(uri, "\"" + hop.host + "\" is not a host name or IP address");
        }
        port_text =
            colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1);
        if (colon != std::string_view::npos && port_text.empty()) {
            refuse(uri, "the port after ':' is missing");
        }
    }
    if (!port_text.empty()) {
        hop.port = parse_port(uri, port_text);
    }
}

TlsMode parse_tls_query(std::string_view uri, std::string_view query) {
    if (!starts_with(query, "tls=")) {
        refuse(uri, "the only query parameter is tls=none|opportunistic|required");
    }
    auto mode = query.substr(4);
    if (mode == "none") {
        return TlsMode::None;
    }
    if (mode == "opportunistic") {
        return TlsMode::Opportunistic;
    }
    if (mode == "required") {
        return TlsMode::Required;
    }
    refuse(uri, "tls must be none, opportunistic or required, not \"" + std::string(mode) + "\"");
}

HopUri parse_network(std::string_view uri, std::string_view rest, HopProtocol protocol) {
    HopUri hop;
    hop.protocol = protocol;
    hop.port = protocol == HopProtocol::Smtp ? 25 : 24;
    hop.tls = protocol == HopProtocol::Smtp ? TlsMode::Opportunistic : TlsMode::None;
    auto question = rest.find('?');
    auto authority = rest.substr(0, question);
    if (authority.find_first_of("/@") != std::string_view::npos) {
        refuse(uri, "only HOST[:PORT] may follow the scheme (no user, no path)");
    }
    if (authority.empty()) {
        refuse(uri, "the host is missing");
    }
    parse_authority(uri, authority, hop);
    if (question != std::string_view::npos) {
        if (protocol != HopProtocol::Smtp) {
            refuse(uri, "LMTP takes no parameters (no TLS)");
        }
        hop.tls = parse_tls_query(uri, rest.substr(question + 1));
    }
    return hop;
}

}  // namespace

std::string HopUri::describe() const {
    switch (protocol) {
        case HopProtocol::Maildir:
            return "maildir:" + path;
        case HopProtocol::Lmtp:
            if (unix_socket()) {
                return "lmtp:unix:" + path;
            }
            [[fallthrough]];
        case HopProtocol::Smtp: {
            bool v6 = host.find(':') != std::string::npos;
            std::string shown = v6 ? "[" + host + "]" : host;
            return (protocol == HopProtocol::Smtp ? "smtp://" : "lmtp://") + shown + ":" +
                   std::to_string(port);
        }
    }
    return {};
}

HopUri parse_hop_uri(std::string_view uri) {
    if (starts_with(uri, "smtp://")) {
        return parse_network(uri, uri.substr(7), HopProtocol::Smtp);
    }
    if (starts_with(uri, "lmtp://")) {
        return parse_network(uri, uri.substr(7), HopProtocol::Lmtp);
    }
    HopUri hop;
    if (starts_with(uri, "lmtp:unix:")) {
        hop.protocol = HopProtocol::Lmtp;
        hop.path = absolute_path(uri, uri.substr(10));
        return hop;
    }
    if (starts_with(uri, "maildir:")) {
        hop.protocol = HopProtocol::Maildir;
        hop.path = absolute_path(uri, uri.substr(8));
        return hop;
    }
    refuse(uri, "expected smtp://HOST:PORT, lmtp://HOST:PORT, lmtp:unix:/PATH or maildir:/PATH");
}

}  // namespace sealpost::smtp
