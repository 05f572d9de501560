#include "smtp/relay/smtp_next_hop.hpp"

#include <boost/system/system_error.hpp>

#include "common/log.hpp"
#include "smtp/relay/hop_failure.hpp"
#include "smtp/relay/outcomes.hpp"
#include "smtp/relay/transaction.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;

namespace {

std::shared_ptr<const SessionSettings> make_settings(HopUri uri, NextHopOptions options) {
    auto settings = std::make_shared<SessionSettings>();
    settings->hop_name = uri.describe();
    settings->tls_context = make_tls_context(uri);
    // LIMITATION: tls=required checks the certificate against the system CAs and the
    // configured host name, except towards loopback, where a self-signed certificate is
    // normal; there is no DANE and no pinning.
    settings->verify_certificate = uri.tls == TlsMode::Required && !is_loopback_host(uri.host);
    settings->uri = std::move(uri);
    settings->options = std::move(options);
    return settings;
}

}  // namespace

SmtpNextHop::SmtpNextHop(HopUri uri, asio::any_io_executor io, NextHopOptions options)
    : io_(io),
      settings_(make_settings(std::move(uri), std::move(options))),
      pool_(SessionPool::make(io, settings_->options.max_idle_connections,
                              settings_->options.idle_timeout)) {}

asio::awaitable<std::vector<RecipientOutcome>> SmtpNextHop::deliver(
    const OutgoingMessage& message) {
    auto outcomes = start_outcomes(message);
    try {
        if (any_unanswered(outcomes)) {
            auto session = co_await take_session();
            co_await run_transaction(*session, message, outcomes);
            pool_->give_back(std::move(session));
        }
    } catch (const HopFailure& failure) {
        defer_unanswered(outcomes, failure.enhanced(),
                         "next hop " + describe() + ": " + failure.what());
    } catch (const boost::system::system_error& failure) {
        defer_unanswered(outcomes, "4.4.2", "next hop " + describe() + ": " + failure.what());
    }
    for (const auto& outcome : outcomes) {
        log_outcome(message, describe(), outcome);
    }
    co_return outcomes;
}

asio::awaitable<std::unique_ptr<ClientSession>> SmtpNextHop::take_session() {
    while (auto idle = pool_->take()) {
        if (co_await idle->reset()) {
            co_return idle;
        }
    }
    co_return co_await open_session();
}

asio::awaitable<std::unique_ptr<ClientSession>> SmtpNextHop::open_session() {
    auto tls = settings_->uri.tls;
    try {
        co_return co_await ClientSession::open(io_, settings_, tls);
    } catch (const HopFailure& failure) {
        if (tls != TlsMode::Opportunistic || failure.cause() != HopFailure::Cause::TlsHandshake) {
            throw;
        }
        log::warn("relay", "tls-failed",
                  {{"hop", describe()}, {"reason", failure.what()}, {"retry", "plaintext"}});
    }
    // Opportunistic TLS that fails is no reason to hold mail back: try again in plaintext.
    co_return co_await ClientSession::open(io_, settings_, TlsMode::None);
}

}  // namespace sealpost::smtp
