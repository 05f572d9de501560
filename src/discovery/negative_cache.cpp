#include "discovery/negative_cache.hpp"

#include <algorithm>

namespace sealpost::discovery {

bool NegativeCache::holds(const std::string& address, std::int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = until_.find(address);
    return it != until_.end() && it->second > now;
}

void NegativeCache::add(const std::string& address, std::int64_t now, std::int64_t until) {
    std::lock_guard lock(mutex_);
    std::erase_if(until_, [now](const auto& entry) { return entry.second <= now; });
    until_[address] = until;
}

void NegativeCache::forget(const std::string& address) {
    std::lock_guard lock(mutex_);
    until_.erase(address);
}

}  // namespace sealpost::discovery
