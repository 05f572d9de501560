// The content filter (DESIGN.md §1): what a listener's transaction goes through. The pipeline
// runs on the worker pool; every message it yields goes to the next hop; the client gets 250
// only when the next hop took every one of them, and 4xx for any failure before that, so the
// sender keeps the message and retries.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "discovery/negative_cache.hpp"
#include "keystore/data_dir.hpp"
#include "smtp/gateway/settings.hpp"
#include "smtp/gateway/worker_pool.hpp"
#include "smtp/relay/next_hop.hpp"
#include "smtp/server/handler.hpp"

namespace sealpost::smtp {

// How one transaction ended, for the log and /metrics.
struct Delivery {
    std::string action;  // the pipeline's actions, "+"-joined; "none" if it failed first
    std::string result;  // "delivered", "deferred", "rejected", "bounced"
};

class Gateway final : public Handler {
public:
    // The references must outlive the gateway. Each worker thread opens the keystore and the
    // directory in `data_dir` on its own connections the first time it needs them.
    Gateway(keystore::DataDir data_dir, SettingsHolder& settings, WorkerPool& workers,
            NextHop& next_hop);

    boost::asio::awaitable<Reply> deliver(Transaction transaction) override;
    boost::asio::awaitable<bool> authenticate(std::string user, Secret password) override;
    // With a next hop that delivers locally, an address in a local domain that has no account
    // (postmaster aside, RFC 5321 §4.5.1) is refused with 550 5.1.1, as Postfix refuses unknown
    // local users; addresses of other domains are the next hop's to judge.
    boost::asio::awaitable<std::optional<Reply>> check_recipient(std::string queue_id,
                                                                 std::string recipient,
                                                                 Role role) override;

private:
    struct Relayed {
        std::vector<RecipientOutcome> accepted;
        std::vector<RecipientOutcome> temporary;
        std::vector<RecipientOutcome> permanent;
    };

    boost::asio::awaitable<Relayed> relay(const Transaction& transaction,
                                          const std::vector<OutgoingMessage>& messages);
    boost::asio::awaitable<Reply> conclude(const Transaction& transaction, const Relayed& relayed,
                                           Delivery& delivery);

    keystore::DataDir data_dir_;
    SettingsHolder& settings_;
    WorkerPool& workers_;
    NextHop& next_hop_;
    // Addresses key discovery found nothing for lately, shared by every worker.
    std::shared_ptr<discovery::NegativeCache> misses_;
};

}  // namespace sealpost::smtp
