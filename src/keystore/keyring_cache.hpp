// A worker's keyring with the keys it used recently, so a message does not pay for parsing,
// validating and unlocking its keys again. One per worker thread; not thread-safe.
//
// Secret keys stay unlocked here once loaded. A secret key is unlocked once with the master
// passphrase (whose S2K is slow on purpose) when it enters the keyring, and kept so until it
// leaves. Why that adds no exposure: the process holds the master passphrase in memory for as
// long as it runs, so anyone who can read this process's memory can unlock every secret key
// in the keystore anyway; an unlocked key beside it gives them nothing more. What it saves:
// librnp re-derives and re-validates the key material on every unlock (for RSA, primality
// tests on both primes, about 80% of a signature). A key leaves the keyring, its secret
// material wiped (librnp's lock) before it is removed, when its record changed (it is loaded
// again as stored now), when the cache is full and starts over, and when the cache is
// destroyed. The keyring has no passphrase: a key that is somehow locked fails its operation
// instead of being unlocked behind the cache's back.
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
    ~KeyringCache();
    KeyringCache(const KeyringCache&) = delete;
    KeyringCache& operator=(const KeyringCache&) = delete;

    // Makes sure every key in `keys` is in the keyring as its record describes it, with its
    // secret part unlocked when `with_secret` and the key has one. A key whose record differs
    // from the one it was loaded with is dropped and loaded again from the store. Throws
    // Error(NotFound) when a key left the store, Error(WrongPassphrase) when the master
    // passphrase does not unlock a secret key (the key is then not in the keyring).
    openpgp::Keyring& prepare(const std::vector<KeyRecord>& keys, bool with_secret);

    openpgp::Keyring& keyring() { return *keyring_; }

    // How many keys the keyring holds, and how many of them with their secret part unlocked.
    std::size_t size() const { return entries_.size(); }
    std::size_t unlocked() const;

private:
    struct Entry {
        KeyRecord record;  // as loaded; a record that differs means the key changed
        bool secret = false;
    };
    void load(const KeyRecord& record, bool with_secret);
    void discard_after_failure(const std::string& fingerprint);
    void drop(const std::string& fingerprint);
    void drop_all();

    KeyManager& keys_;
    std::size_t max_keys_;
    std::unique_ptr<openpgp::Keyring> keyring_;
    std::map<std::string, Entry> entries_;
};

}  // namespace sealpost::keystore
