// One listening address of the server: its settings and its acceptor (the server counts the
// sessions against the connection limits, over all its listeners).
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "smtp/server/settings.hpp"

namespace sealpost::smtp::server {

struct Listener {
    std::shared_ptr<const ListenerSettings> settings;  // replaced on reload; sessions keep theirs
    boost::asio::ip::tcp::acceptor acceptor;

    Listener(std::shared_ptr<const ListenerSettings> s, boost::asio::ip::tcp::acceptor a)
        : settings(std::move(s)), acceptor(std::move(a)) {}
};

// "127.0.0.1:25" or "[::1]:25" as an endpoint. Throws sealpost::Error(BadInput) naming the
// address when it is not an IP address and port.
boost::asio::ip::tcp::endpoint parse_listen_address(const std::string& address);

// Throws sealpost::Error(BadInput) naming the listener when its settings cannot work.
void check_settings(const ListenerSettings& settings);

// Checks the settings, then opens, binds and listens. Throws sealpost::Error naming the
// address and the system's reason (Conflict when the address is in use, else BadInput).
std::shared_ptr<Listener> open_listener(const ListenerSettings& settings,
                                        const boost::asio::any_io_executor& executor);

}  // namespace sealpost::smtp::server
