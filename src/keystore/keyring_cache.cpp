#include "keystore/keyring_cache.hpp"

#include "common/error.hpp"

namespace sealpost::keystore {

namespace {
// The smallest S2K count OpenPGP can encode (RFC 4880 §3.7.1.3): the session passphrase is
// 256 random bits, so stretching it buys nothing.
constexpr std::size_t session_s2k_iterations = 1024;
}  // namespace

KeyringCache::KeyringCache(KeyManager& keys, std::size_t max_keys)
    : keys_(keys),
      max_keys_(max_keys),
      session_(Secret::random()),
      keyring_(std::make_unique<openpgp::Keyring>()) {
    keyring_->set_passphrase(session_);
}

openpgp::Keyring& KeyringCache::prepare(const std::vector<KeyRecord>& keys, bool with_secret) {
    if (entries_.size() + keys.size() > max_keys_) {
        keyring_ = std::make_unique<openpgp::Keyring>();
        keyring_->set_passphrase(session_);
        entries_.clear();
    }
    for (const auto& record : keys) {
        auto it = entries_.find(record.fingerprint);
        bool want_secret = with_secret && record.has_secret;
        if (it != entries_.end() && it->second.updated == record.updated &&
            (it->second.secret || !want_secret)) {
            continue;
        }
        load(record, want_secret);
    }
    return *keyring_;
}

// LIMITATION: librnp validates an RSA secret key's material (primality tests on p and q)
// every time the key is unlocked, about 80% of an RSA-2048 signature. Keys are unlocked per
// operation here, so RSA keys pay it on every message; Ed25519/Cv25519 keys do not.
void KeyringCache::load(const KeyRecord& record, bool with_secret) {
    auto stored = keys_.store().get_key(record.fingerprint);
    if (!stored) {
        throw Error(ErrorKind::NotFound, "key " + record.fingerprint + " left the keystore");
    }
    if (keyring_->contains(record.fingerprint)) {
        keyring_->remove(record.fingerprint);
    }
    keyring_->import(stored->public_packets, false);
    if (with_secret) {
        keyring_->import(stored->secret_packets, true);
        keyring_->reprotect(record.fingerprint, keys_.master(), session_, session_s2k_iterations);
    }
    entries_[record.fingerprint] = Entry{stored->record.updated, with_secret};
}

}  // namespace sealpost::keystore
