// Addresses for which discovery found nothing, not to be asked again until a time. Kept in
// memory, shared by the workers of one process: thread-safe.
// LIMITATION: the negative cache is lost on restart and not shared between nodes; a restart
// lets each address be looked up once more.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sealpost::discovery {

class NegativeCache {
public:
    // Whether `address` was recorded with an end after `now`.
    bool holds(const std::string& address, std::int64_t now);
    // Records `address` until `until`, dropping entries that ended by `now`.
    void add(const std::string& address, std::int64_t now, std::int64_t until);
    void forget(const std::string& address);

private:
    std::mutex mutex_;
    std::map<std::string, std::int64_t> until_;
};

}  // namespace sealpost::discovery
