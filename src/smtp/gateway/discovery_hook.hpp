// Key discovery for the daemon's workers (DESIGN.md §6): the pipeline's KeyFinder on top of
// src/discovery, one per worker thread and settings snapshot. The workers share one negative
// cache, so an address nothing was found for is not asked again by the next worker.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "discovery/key_discovery.hpp"
#include "discovery/negative_cache.hpp"
#include "keystore/key_manager.hpp"
#include "pipeline/key_finder.hpp"

namespace sealpost::smtp {

class DiscoveryHook final : public pipeline::KeyFinder {
public:
    DiscoveryHook(const config::Discovery& settings, keystore::KeyManager& keys,
                  discovery::DiscoveryServices services);

    void find(const std::string& address, Deadline deadline, std::string_view queue_id) override;

private:
    discovery::KeyDiscovery discovery_;
    std::chrono::steady_clock::time_point next_sweep_;
};

// The hook for `settings`, or nullptr when every source is off or the resolver cannot be set
// up (logged as a warning naming the problem: mail then flows without discovery).
std::unique_ptr<DiscoveryHook> make_discovery_hook(
    const config::Discovery& settings, keystore::KeyManager& keys,
    std::shared_ptr<discovery::NegativeCache> misses);

}  // namespace sealpost::smtp
