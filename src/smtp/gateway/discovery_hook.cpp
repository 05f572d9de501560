#include "smtp/gateway/discovery_hook.hpp"

#include "common/error.hpp"
#include "common/log.hpp"

namespace sealpost::smtp {

namespace {

// Fetched keys whose cache ended are removed this often; key choice skips them meanwhile.
constexpr auto sweep_interval = std::chrono::hours(1);

}  // namespace

DiscoveryHook::DiscoveryHook(const config::Discovery& settings, keystore::KeyManager& keys,
                             discovery::DiscoveryServices services)
    : discovery_(settings, keys, std::move(services)),
      next_sweep_(std::chrono::steady_clock::now()) {}

void DiscoveryHook::find(const std::string& address, Deadline deadline, std::string_view queue_id) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next_sweep_) {
        next_sweep_ = now + sweep_interval;
        try {
            if (auto removed = discovery_.sweep_expired(); removed > 0) {
                log::info("discovery", "swept", {{"removed", removed}});
            }
        } catch (const Error& error) {
            log::warn("discovery", "sweep-failed", {{"error", error.what()}});
        }
    }
    auto started = std::chrono::steady_clock::now();
    auto outcome = discovery_.find(address, deadline);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    log::info("discovery", "looked-up",
              {{"queue_id", queue_id},
               {"address", address},
               {"result", discovery::to_string(outcome.result)},
               {"fpr", outcome.fingerprint},
               {"ms", ms}});
}

std::unique_ptr<DiscoveryHook> make_discovery_hook(
    const config::Discovery& settings, keystore::KeyManager& keys,
    std::shared_ptr<discovery::NegativeCache> misses) {
    if (!settings.pka && !settings.wkd && !settings.dane) {
        return nullptr;
    }
    try {
        return std::make_unique<DiscoveryHook>(
            settings, keys, discovery::real_services(settings, std::move(misses)));
    } catch (const Error& error) {
        log::warn("discovery", "off",
                  {{"why", error.what()}, {"effect", "no keys are looked up for recipients"}});
        return nullptr;
    }
}

}  // namespace sealpost::smtp
