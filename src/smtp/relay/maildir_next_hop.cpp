#include "smtp/relay/maildir_next_hop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "smtp/relay/maildir_writer.hpp"
#include "smtp/relay/outcomes.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;

MaildirNextHop::MaildirNextHop(HopUri uri, asio::any_io_executor blocking)
    : uri_(std::move(uri)), blocking_(std::move(blocking)) {}

asio::awaitable<std::vector<RecipientOutcome>> MaildirNextHop::deliver(
    const OutgoingMessage& message) {
    auto outcomes = start_outcomes(message);
    // co_spawn runs the writes on the blocking executor; the reply comes back to ours.
    auto deliveries = co_await asio::co_spawn(
        blocking_,
        [&]() -> asio::awaitable<std::vector<MaildirDelivery>> {
            std::vector<MaildirDelivery> done;
            auto hop_name = describe();
            for (const auto& outcome : outcomes) {
                if (outcome.code != 0) {
                    done.push_back({outcome, {}});
                } else {
                    done.push_back(
                        write_to_maildir(uri_.path, hop_name, message, outcome.recipient));
                }
            }
            co_return done;
        },
        asio::use_awaitable);
    for (std::size_t i = 0; i < deliveries.size(); ++i) {
        outcomes[i] = std::move(deliveries[i].outcome);
        log_outcome(message, describe(), outcomes[i], deliveries[i].path);
    }
    co_return outcomes;
}

}  // namespace sealpost::smtp
