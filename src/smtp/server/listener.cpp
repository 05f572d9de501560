// Listening addresses (see listener.hpp).
#include "smtp/server/listener.hpp"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <charconv>

#include "common/error.hpp"

namespace sealpost::smtp::server {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

[[noreturn]] void throw_bad_address(const std::string& address, const std::string& why) {
    throw Error(ErrorKind::BadInput,
                "listener address " + address + " " + why + " (expected IP:port or [IPv6]:port)");
}

[[noreturn]] void throw_bind_failure(const std::string& address, const char* step,
                                     const boost::system::error_code& error) {
    ErrorKind kind =
        error == asio::error::address_in_use ? ErrorKind::Conflict : ErrorKind::BadInput;
    throw Error(kind, "cannot listen on " + address + ": " + step + " failed: " + error.message());
}

}  // namespace

tcp::endpoint parse_listen_address(const std::string& address) {
    std::size_t colon = address.rfind(':');
    if (colon == std::string::npos || colon + 1 == address.size()) {
        throw_bad_address(address, "has no port");
    }
    std::string host = address.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        throw_bad_address(address, "needs brackets around an IPv6 address");
    }
    unsigned int port = 0;
    const char* first = address.data() + colon + 1;
    const char* last = address.data() + address.size();
    auto [end, failure] = std::from_chars(first, last, port);
    if (failure != std::errc() || end != last || port > 65535) {
        throw_bad_address(address, "has a malformed port");
    }
    boost::system::error_code error;
    asio::ip::address ip = asio::ip::make_address(host, error);
    if (error) {
        throw_bad_address(address, "does not start with an IP address");
    }
    return tcp::endpoint(ip, static_cast<unsigned short>(port));
}

void check_settings(const ListenerSettings& settings) {
    auto fail = [&](const std::string& why) {
        throw Error(ErrorKind::BadInput, "listener " + settings.address + ": " + why);
    };
    const std::string& host = settings.hostname;
    if (host.empty() ||
        !std::all_of(host.begin(), host.end(), [](char c) { return c > ' ' && c <= '~'; })) {
        fail("hostname must be a non-empty name without spaces");
    }
    if (settings.require_auth && !settings.offer_auth) {
        fail("require_auth needs offer_auth, or no client could ever send");
    }
    const SessionLimits& limits = settings.limits;
    if (limits.max_command_line < 16 || limits.max_data_line < 16 || limits.max_message_size == 0 ||
        limits.max_recipients == 0 || limits.max_errors == 0 || limits.max_connections == 0 ||
        limits.max_connections_per_address == 0 || limits.max_auth_failures == 0) {
        fail("every size and count limit must be positive (line limits at least 16)");
    }
    if (limits.command_timeout.count() <= 0 || limits.data_timeout.count() <= 0) {
        fail("timeouts must be positive");
    }
}

std::shared_ptr<Listener> open_listener(const ListenerSettings& settings,
                                        const asio::any_io_executor& executor) {
    check_settings(settings);
    tcp::endpoint endpoint = parse_listen_address(settings.address);
    tcp::acceptor acceptor(executor);
    boost::system::error_code error;
    if (acceptor.open(endpoint.protocol(), error)) {
        throw_bind_failure(settings.address, "open", error);
    }
    if (acceptor.set_option(tcp::acceptor::reuse_address(true), error)) {
        throw_bind_failure(settings.address, "SO_REUSEADDR", error);
    }
    // "[::]:25" then covers IPv6 alone, so "0.0.0.0:25" can be a listener of its own.
    if (endpoint.address().is_v6() && acceptor.set_option(asio::ip::v6_only(true), error)) {
        throw_bind_failure(settings.address, "IPV6_V6ONLY", error);
    }
    if (acceptor.bind(endpoint, error)) {
        throw_bind_failure(settings.address, "bind", error);
    }
    if (acceptor.listen(asio::socket_base::max_listen_connections, error)) {
        throw_bind_failure(settings.address, "listen", error);
    }
    return std::make_shared<Listener>(std::make_shared<const ListenerSettings>(settings),
                                      std::move(acceptor));
}

}  // namespace sealpost::smtp::server
