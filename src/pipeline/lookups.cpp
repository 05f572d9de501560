// The keystore and directory questions the decision and the steps ask.
#include <map>
#include <memory>

#include "common/error.hpp"
#include "keystore/key_choice.hpp"
#include "openpgp/key_info.hpp"
#include "pipeline/work.hpp"

namespace sealpost::pipeline {

namespace {

std::string normalised(std::string_view address) {
    return openpgp::normalise_address(address);
}

// Remembers each answer of `ask`, so one decision sees one answer per address.
policy::AddressQuestion remembered(std::function<bool(const std::string&)> ask) {
    auto answers = std::make_shared<std::map<std::string, bool>>();
    return [answers, ask = std::move(ask)](std::string_view question) {
        std::string key(question);
        auto it = answers->find(key);
        if (it == answers->end()) {
            it = answers->emplace(key, ask(key)).first;
        }
        return it->second;
    };
}

}  // namespace

std::optional<keystore::KeyRecord> signing_key(keystore::Store& store, const std::string& address,
                                               std::int64_t now) {
    auto lowered = normalised(address);
    auto records = store.find_by_address(lowered);
    auto usable = [&](const keystore::KeyRecord& r) {
        return r.has_secret && !keystore::unusable_for_signing(r, now);
    };
    if (auto preferred = store.preferred(lowered)) {
        for (const auto& record : records) {
            if (record.fingerprint == *preferred && usable(record)) {
                return record;
            }
        }
    }
    for (const auto& record : records) {
        if (usable(record)) {
            return record;
        }
    }
    return std::nullopt;
}

std::vector<keystore::KeyRecord> secret_keys(keystore::Store& store, const std::string& address) {
    std::vector<keystore::KeyRecord> out;
    for (auto& record : store.find_by_address(normalised(address))) {
        // Expired keys still decrypt what was sent while they were valid.
        if (record.has_secret && record.enabled && !record.revoked) {
            out.push_back(std::move(record));
        }
    }
    return out;
}

std::optional<keystore::KeyRecord> encryption_key(keystore::Store& store,
                                                  const std::string& address, std::int64_t now) {
    auto choice = keystore::choose_encryption_key(store, normalised(address), now);
    if (!choice) {
        return std::nullopt;
    }
    return choice->key;
}

void provide_public_keys(openpgp::Keyring& keyring, keystore::Store& store) {
    keyring.set_key_provider(
        [&store](openpgp::Keyring& ring, std::string_view type, std::string_view id, bool secret) {
            if (secret) {
                return;  // decryption keys come from the recipient's own keyring only
            }
            std::string wanted = openpgp::upper_hex(id);
            if (type == "fingerprint" && wanted.size() >= 16) {
                wanted = wanted.substr(wanted.size() - 16);
            } else if (type != "keyid") {
                return;
            }
            for (const auto& record : store.find_by_key_id(wanted)) {
                if (ring.contains(record.fingerprint)) {
                    continue;
                }
                if (auto stored = store.get_key(record.fingerprint)) {
                    ring.import(stored->public_packets, false);
                }
            }
        });
}

policy::Lookups make_lookups(directory::Directory& directory, keystore::Store& store,
                             std::int64_t now) {
    policy::Lookups lookups;
    lookups.is_local_domain =
        remembered([&directory](const std::string& domain) { return directory.is_local(domain); });
    lookups.is_member = [&directory](std::string_view group, std::string_view address) {
        return directory.is_member(group, address);
    };
    lookups.is_local_user = remembered([&directory](const std::string& address) {
        try {
            return directory.find_account(address).has_value();
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::BadInput) {
                return false;  // not an address we could have an account for
            }
            throw;
        }
    });
    lookups.has_encryption_key = remembered([&store, now](const std::string& address) {
        return encryption_key(store, address, now).has_value();
    });
    lookups.has_secret_key = remembered([&store, now](const std::string& address) {
        return signing_key(store, address, now).has_value();
    });
    return lookups;
}

}  // namespace sealpost::pipeline
