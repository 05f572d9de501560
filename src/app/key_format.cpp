#include "app/key_format.hpp"

#include <ctime>

#include "keystore/key_choice.hpp"

namespace sealpost::app {

namespace {

std::string algorithm_text(const keystore::KeyRecord& key) {
    return key.algorithm + "/" + std::to_string(key.bits);
}

std::string status_text(const keystore::KeyRecord& key) {
    return keystore::key_status(key, std::time(nullptr));
}

}  // namespace

std::string format_time(std::int64_t epoch_seconds) {
    if (epoch_seconds == 0) {
        return "never";
    }
    std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::string key_line(const keystore::KeyRecord& key) {
    std::string line = key.fingerprint + "  " + (key.local ? "local " : "remote") + "  " +
                       (key.has_secret ? "sec" : "pub") + "  " + status_text(key) + "  " +
                       algorithm_text(key);
    line += "  " + (key.user_ids.empty() ? std::string("(no user ID)") : key.user_ids.front());
    if (key.user_ids.size() > 1) {
        line += " (+" + std::to_string(key.user_ids.size() - 1) + ")";
    }
    return line;
}

std::string key_details(const keystore::KeyRecord& key, keystore::Store& store) {
    std::string out;
    auto add = [&out](const std::string& name, const std::string& value) {
        out += name + ": " + value + "\n";
    };
    add("fingerprint", key.fingerprint);
    add("key id", key.key_id);
    for (const auto& uid : key.user_ids) {
        add("user id", uid);
    }
    for (const auto& address : key.addresses) {
        auto preferred = store.preferred(address);
        add("address",
            address + (preferred && *preferred == key.fingerprint ? " (preferred)" : ""));
    }
    add("kind", std::string(key.local ? "local" : "remote") +
                    (key.has_secret ? ", with secret key" : ", public only"));
    add("status", status_text(key));
    add("algorithm", algorithm_text(key));
    add("can", std::string(key.can_sign ? "sign " : "") + (key.can_encrypt ? "encrypt" : ""));
    add("created", format_time(key.created));
    add("expires", format_time(key.expires));
    add("origin", keystore::to_string(key.origin));
    if (key.cache_until != 0) {
        add("cached until", format_time(key.cache_until));
    }
    return out;
}

nlohmann::json key_json(const keystore::KeyRecord& key) {
    return {
        {"fingerprint", key.fingerprint},
        {"key_id", key.key_id},
        {"user_ids", key.user_ids},
        {"addresses", key.addresses},
        {"local", key.local},
        {"has_secret", key.has_secret},
        {"enabled", key.enabled},
        {"revoked", key.revoked},
        {"status", status_text(key)},
        {"algorithm", key.algorithm},
        {"bits", key.bits},
        {"can_encrypt", key.can_encrypt},
        {"can_sign", key.can_sign},
        {"created", key.created},
        {"expires", key.expires},
        {"origin", keystore::to_string(key.origin)},
        {"cache_until", key.cache_until},
    };
}

}  // namespace sealpost::app
