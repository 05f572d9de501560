// The SMTP and LMTP next hops: a transaction per message on a pooled session.
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/any_io_executor.hpp>
#include <memory>

#include "smtp/relay/client_session.hpp"
#include "smtp/relay/next_hop.hpp"
#include "smtp/relay/session_pool.hpp"

namespace sealpost::smtp {

// LIMITATION: there is no bound on simultaneous connections to one hop; every concurrent
// delivery opens its own when no idle one is pooled, so the listener's own connection limit
// is what bounds them.
// deliver() must be awaited on `io` (see connection.hpp). Concurrent deliveries each use a
// session of their own; the hop must outlive the deliveries it started.
class SmtpNextHop : public NextHop {
public:
    SmtpNextHop(HopUri uri, boost::asio::any_io_executor io, NextHopOptions options);

    boost::asio::awaitable<std::vector<RecipientOutcome>> deliver(
        const OutgoingMessage& message) override;
    std::string describe() const override { return settings_->hop_name; }

    // For tests and metrics: sessions waiting in the pool.
    std::size_t idle_sessions() const { return pool_->idle_count(); }

private:
    boost::asio::awaitable<std::unique_ptr<ClientSession>> take_session();
    boost::asio::awaitable<std::unique_ptr<ClientSession>> open_session();

    boost::asio::any_io_executor io_;
    std::shared_ptr<const SessionSettings> settings_;
    std::shared_ptr<SessionPool> pool_;
};

}  // namespace sealpost::smtp
