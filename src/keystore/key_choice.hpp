// Which key to encrypt to for an address (DESIGN.md §4): the preferred key if it is usable,
// else the first usable key of the address, else the domain key of its domain.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keystore/store.hpp"

namespace sealpost::keystore {

// "valid", or why the key is not: "disabled", "revoked" or "expired".
std::string key_status(const KeyRecord& key, std::int64_t now);

// Why a key cannot be used to encrypt right now, or nullopt if it can.
std::optional<std::string> unusable_for_encryption(const KeyRecord& key, std::int64_t now);
std::optional<std::string> unusable_for_signing(const KeyRecord& key, std::int64_t now);

struct KeyChoice {
    KeyRecord key;
    std::string reason;  // "preferred", "first-usable" or "domain-key"
};

std::optional<KeyChoice> choose_encryption_key(Store& store, const std::string& address,
                                               std::int64_t now);

}  // namespace sealpost::keystore
