#include "keystore/key_choice.hpp"

namespace sealpost::keystore {

namespace {

std::optional<std::string> unusable(const KeyRecord& key, std::int64_t now) {
    if (!key.enabled)
        return "disabled";
    if (key.revoked)
        return "revoked";
    if (key.expired_at(now))
        return "expired";
    // A key fetched by discovery whose cache ended is not used even before the next sweep
    // removes it, so a changed record is followed.
    if (key.cache_until != 0 && key.cache_until <= now)
        return "cache ended";
    return std::nullopt;
}

std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    return at == std::string::npos ? std::string() : address.substr(at + 1);
}

}  // namespace

std::string key_status(const KeyRecord& key, std::int64_t now) {
    return unusable(key, now).value_or("valid");
}

// LIMITATION: only the primary key's expiry is recorded; an encryption subkey that expired
// before it is found out when encrypting (an "unusable key" error), not here.
std::optional<std::string> unusable_for_encryption(const KeyRecord& key, std::int64_t now) {
    if (auto why = unusable(key, now))
        return why;
    if (!key.can_encrypt)
        return "cannot encrypt";
    return std::nullopt;
}

std::optional<std::string> unusable_for_signing(const KeyRecord& key, std::int64_t now) {
    if (auto why = unusable(key, now))
        return why;
    if (!key.has_secret)
        return "no secret key";
    if (!key.can_sign)
        return "cannot sign";
    return std::nullopt;
}

std::optional<KeyChoice> choose_encryption_key(Store& store, const std::string& address,
                                               std::int64_t now) {
    auto keys = store.find_by_address(address);
    if (auto preferred = store.preferred(address)) {
        for (const auto& key : keys) {
            if (key.fingerprint == *preferred && !unusable_for_encryption(key, now)) {
                return KeyChoice{key, "preferred"};
            }
        }
    }
    for (const auto& key : keys) {
        if (!unusable_for_encryption(key, now)) {
            return KeyChoice{key, "first-usable"};
        }
    }
    if (auto fpr = store.domain_key(domain_of(address))) {
        if (auto key = store.get_record(*fpr); key && !unusable_for_encryption(*key, now)) {
            return KeyChoice{*key, "domain-key"};
        }
    }
    return std::nullopt;
}

}  // namespace sealpost::keystore
