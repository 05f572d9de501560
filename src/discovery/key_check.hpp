// The checks every fetched key passes before it may enter the keystore, whatever the source:
// it parses, it is the key the record named (when one was named), and a user ID holds the
// address it was looked up for. Only the keys that pass are kept; the rest of a response is
// dropped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sealpost::discovery {

struct CheckedKey {
    std::string fingerprint;
    std::string packets;  // this key alone, binary
};

struct KeyCheck {
    std::vector<CheckedKey> keys;  // empty when refused
    std::string refused;           // why, when nothing passed
};

// `expected_fingerprint` empty: any key holding the address passes (WKD, DANE).
KeyCheck check_fetched_keys(std::string_view data, std::string_view address,
                            std::string_view expected_fingerprint);

}  // namespace sealpost::discovery
