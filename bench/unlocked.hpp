// Bare librnp for the benchmarks: a key with its secret parts unlocked once and kept so, the
// fastest librnp can be and the baseline Sealpost's figures are compared with.
#pragma once

#include <rnp/rnp.h>

#include <string>

#include "common/secret.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::bench {

inline void unlock_all(openpgp::Keyring& ring, const std::string& fpr, const Secret& pass) {
    auto key = ring.find(fpr);
    rnp_key_unlock(key.get(), pass.reveal().c_str());
    size_t count = 0;
    rnp_key_get_subkey_count(key.get(), &count);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t sub = nullptr;
        rnp_key_get_subkey_at(key.get(), i, &sub);
        rnp_key_unlock(sub, pass.reveal().c_str());
        rnp_key_handle_destroy(sub);
    }
}

}  // namespace sealpost::bench
