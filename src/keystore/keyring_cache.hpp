// A worker's keyring with the keys it used recently, so a message does not pay for parsing
// and validating its keys again. One per worker thread; not thread-safe.
//
// Secret keys never sit unlocked here. When a secret key is first loaded it is unlocked once
// with the master passphrase (whose S2K is slow on purpose) and re-protected under a random
// passphrase that lives only in this process, with a fast S2K; each operation unlocks it for
// itself through librnp's passphrase callback and librnp locks it again afterwards.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "keystore/key_manager.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::keystore {

class KeyringCache {
public:
    explicit KeyringCache(KeyManager& keys, std::size_t max_keys = 10000);

    // Makes sure every key in `keys` is in the keyring as of its record's `updated` time, with
    // its secret part when `with_secret`. Returns the keyring, ready for openpgp operations.
    openpgp::Keyring& prepare(const std::vector<KeyRecord>& keys, bool with_secret);

    openpgp::Keyring& keyring() { return *keyring_; }

private:
    struct Entry {
        std::int64_t updated = 0;
        bool secret = false;
    };
    void load(const KeyRecord& record, bool with_secret);

    KeyManager& keys_;
    std::size_t max_keys_;
    Secret session_;
    std::unique_ptr<openpgp::Keyring> keyring_;
    std::map<std::string, Entry> entries_;
};

}  // namespace sealpost::keystore
