// Idle sessions to one next hop, kept for reuse so that a burst of messages does not pay a
// TCP and TLS handshake each. A session is in the pool only while no delivery uses it; a
// delivery takes one (or opens its own), and gives it back when its transaction is over.
// Sessions idle longer than the idle timeout are closed with QUIT. Not thread-safe: used on
// the io executor only (see connection.hpp).
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>

#include "smtp/relay/client_session.hpp"

namespace sealpost::smtp {

class SessionPool : public std::enable_shared_from_this<SessionPool> {
public:
    using Clock = std::chrono::steady_clock;

    static std::shared_ptr<SessionPool> make(boost::asio::any_io_executor io, std::size_t max_idle,
                                             std::chrono::seconds idle_timeout);
    ~SessionPool();

    SessionPool(const SessionPool&) = delete;
    SessionPool& operator=(const SessionPool&) = delete;

    // The most recently used idle session, or null. The caller sends RSET before using it.
    std::unique_ptr<ClientSession> take();

    // Keeps a session after a transaction if it is usable and there is room; otherwise it
    // says QUIT in the background.
    void give_back(std::unique_ptr<ClientSession> session);

    std::size_t idle_count() const { return idle_.size(); }

private:
    SessionPool(boost::asio::any_io_executor io, std::size_t max_idle,
                std::chrono::seconds idle_timeout);

    struct Idle {
        std::unique_ptr<ClientSession> session;
        Clock::time_point since;
    };

    void retire(std::unique_ptr<ClientSession> session);
    void retire_expired();
    void schedule_sweep();

    boost::asio::any_io_executor io_;
    std::size_t max_idle_;
    std::chrono::seconds idle_timeout_;
    std::deque<Idle> idle_;  // oldest first
    boost::asio::steady_timer sweep_timer_;
    bool sweep_scheduled_ = false;
};

}  // namespace sealpost::smtp
