// Where the key server finds what it may publish: local users' public keys that are enabled,
// not expired and not revoked, read from the keystore. Safe to use from several threads: each
// call leases a keystore connection of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "keystore/store.hpp"

namespace sealpost::keyserver {

struct ServedKey {
    keystore::KeyRecord record;
    std::string public_packets;  // binary transferable public key; never secret material
};

// A key may be published when it is a local user's (an address in a local domain, not a key
// fetched by discovery), enabled, not revoked and not expired at `now`.
bool servable(const keystore::KeyRecord& record, const std::vector<std::string>& local_domains,
              std::int64_t now);

// True when `address` (normalised) is in one of `local_domains`.
bool in_local_domain(const std::string& address, const std::vector<std::string>& local_domains);

// The public key alone, binary or armored, exported through librnp from the public packets.
std::string public_key_bytes(const ServedKey& key, bool armored);

// The binary public key with only the user ID of `address` and one encryption subkey; the
// whole public key when librnp cannot cut it so (no encryption subkey, say).
std::string minimal_public_key(const ServedKey& key, const std::string& address);

class KeySource {
public:
    using Clock = std::function<std::int64_t()>;
    explicit KeySource(std::filesystem::path keystore_db, Clock clock = {});
    ~KeySource();
    KeySource(const KeySource&) = delete;
    KeySource& operator=(const KeySource&) = delete;

    std::vector<ServedKey> by_key_id(const std::string& key_id);            // 16 hex
    std::vector<ServedKey> by_fingerprint(const std::string& fingerprint);  // 40 hex
    std::vector<ServedKey> by_address(const std::string& address);          // normalised
    std::vector<ServedKey> by_text(const std::string& text);  // fingerprint, ID or user ID part
    std::vector<std::string> local_domains();

    // One key an address: the preferred key if it may be published, else the first that may.
    // Addresses in local domains only, ordered by address.
    std::vector<std::pair<std::string, ServedKey>> one_per_address();

    std::int64_t now() const;

private:
    class Lease;
    std::vector<ServedKey> load(keystore::Store& store,
                                const std::vector<keystore::KeyRecord>& records);

    std::filesystem::path path_;
    Clock clock_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<keystore::Store>> idle_;  // connections not in use
};

}  // namespace sealpost::keyserver
