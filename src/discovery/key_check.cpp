#include "discovery/key_check.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::discovery {

namespace {

bool holds_address(const openpgp::KeyInfo& info, std::string_view address) {
    return std::find(info.addresses.begin(), info.addresses.end(), address) != info.addresses.end();
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ",") + item;
    return out;
}

}  // namespace

KeyCheck check_fetched_keys(std::string_view data, std::string_view address,
                            std::string_view expected_fingerprint) {
    openpgp::Keyring keyring;
    std::vector<std::string> fingerprints;
    try {
        fingerprints = keyring.import(data, false);
    } catch (const Error& e) {
        return {{}, std::string("not an OpenPGP key: ") + e.what()};
    }
    KeyCheck check;
    bool named_key_seen = false;
    for (const auto& fingerprint : fingerprints) {
        if (!expected_fingerprint.empty() && fingerprint != expected_fingerprint)
            continue;
        named_key_seen = true;
        if (holds_address(keyring.info(fingerprint), address))
            check.keys.push_back({fingerprint, keyring.export_public(fingerprint)});
    }
    if (!named_key_seen) {
        check.refused = "fingerprint mismatch: the record names " +
                        std::string(expected_fingerprint) + ", the response holds " +
                        joined(fingerprints);
    } else if (check.keys.empty()) {
        check.refused = "no user ID of the key holds " + std::string(address);
    }
    return check;
}

}  // namespace sealpost::discovery
