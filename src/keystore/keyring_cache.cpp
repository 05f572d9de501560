#include "keystore/keyring_cache.hpp"

#include <rnp/rnp.h>

#include <exception>

#include "common/error.hpp"
#include "common/log.hpp"

namespace sealpost::keystore {

namespace {

// The primary key and subkeys of `fingerprint` that carry a secret part. These helpers reach
// into librnp because openpgp::Keyring has no unlock/lock of its own yet; they belong there,
// beside reprotect().
std::vector<openpgp::rnp::Key> secret_parts(const openpgp::Keyring& keyring,
                                            const std::string& fingerprint) {
    std::vector<openpgp::rnp::Key> parts;
    parts.push_back(keyring.find(fingerprint));
    size_t count = 0;
    openpgp::rnp::check(rnp_key_get_subkey_count(parts.front().get(), &count),
                        "count subkeys of " + fingerprint);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t raw = nullptr;
        openpgp::rnp::check(rnp_key_get_subkey_at(parts.front().get(), i, &raw),
                            "read subkey of " + fingerprint);
        parts.emplace_back(raw);
    }
    std::erase_if(parts, [](const openpgp::rnp::Key& part) {
        bool secret = false;
        return rnp_key_have_secret(part.get(), &secret) != RNP_SUCCESS || !secret;
    });
    return parts;
}

void unlock(const openpgp::Keyring& keyring, const std::string& fingerprint,
            const Secret& passphrase) {
    for (const auto& part : secret_parts(keyring, fingerprint)) {
        if (rnp_key_unlock(part.get(), passphrase.reveal().c_str()) != RNP_SUCCESS) {
            throw Error(ErrorKind::WrongPassphrase,
                        "the master passphrase does not unlock secret key " + fingerprint);
        }
    }
}

// librnp's lock wipes the unlocked secret material from memory.
void lock(const openpgp::Keyring& keyring, const std::string& fingerprint) {
    for (const auto& part : secret_parts(keyring, fingerprint)) {
        openpgp::rnp::check(rnp_key_lock(part.get()), "lock secret key " + fingerprint);
    }
}

// Whether `loaded` still describes the key as `now` does. `updated` changes with every write
// of the key, but only once a second; the fields derived from the packets catch a second
// change within that second.
bool same_version(const KeyRecord& loaded, const KeyRecord& now) {
    return loaded.updated == now.updated && loaded.has_secret == now.has_secret &&
           loaded.revoked == now.revoked && loaded.expires == now.expires &&
           loaded.can_encrypt == now.can_encrypt && loaded.can_sign == now.can_sign &&
           loaded.user_ids == now.user_ids && loaded.subkey_ids == now.subkey_ids;
}

}  // namespace

KeyringCache::KeyringCache(KeyManager& keys, std::size_t max_keys)
    : keys_(keys), max_keys_(max_keys), keyring_(std::make_unique<openpgp::Keyring>()) {}

KeyringCache::~KeyringCache() {
    try {
        drop_all();
    } catch (const Error& e) {
        // The keyring goes away regardless; what could not be wiped is reported.
        log::error("keystore", "keyring_wipe_failed", {{"error", e.what()}});
    }
}

std::size_t KeyringCache::unlocked() const {
    std::size_t count = 0;
    for (const auto& [fingerprint, entry] : entries_) {
        count += entry.secret ? 1 : 0;
    }
    return count;
}

openpgp::Keyring& KeyringCache::prepare(const std::vector<KeyRecord>& keys, bool with_secret) {
    if (entries_.size() + keys.size() > max_keys_) {
        drop_all();
    }
    for (const auto& record : keys) {
        auto it = entries_.find(record.fingerprint);
        bool want_secret = with_secret && record.has_secret;
        if (it != entries_.end() && same_version(it->second.record, record) &&
            (it->second.secret || !want_secret)) {
            continue;
        }
        load(record, want_secret);
    }
    return *keyring_;
}

// LIMITATION: a key is checked against the store only when a caller names it again. A secret
// key deleted from the keystore is never used again (callers look their keys up afresh), but
// its unlocked copy stays in this keyring until the cache starts over or the worker ends.
void KeyringCache::load(const KeyRecord& record, bool with_secret) {
    drop(record.fingerprint);
    auto stored = keys_.store().get_key(record.fingerprint);
    if (!stored) {
        throw Error(ErrorKind::NotFound, "key " + record.fingerprint + " left the keystore");
    }
    if (keyring_->contains(record.fingerprint)) {  // put there by a key provider
        keyring_->remove(record.fingerprint);
    }
    keyring_->import(stored->public_packets, false);
    if (with_secret) {
        try {
            keyring_->import(stored->secret_packets, true);
            unlock(*keyring_, record.fingerprint, keys_.master());
        } catch (...) {
            discard_after_failure(record.fingerprint);
            throw;
        }
    }
    entries_[record.fingerprint] = Entry{stored->record, with_secret};
}

// Takes a key that failed to load out of the keyring again, so no half-unlocked key stays.
// The failure that got us here is what the caller hears about; a second one is logged.
void KeyringCache::discard_after_failure(const std::string& fingerprint) {
    try {
        if (keyring_->contains(fingerprint)) {
            lock(*keyring_, fingerprint);
            keyring_->remove(fingerprint);
        }
    } catch (const Error& e) {
        log::error("keystore", "keyring_discard_failed",
                   {{"fingerprint", fingerprint}, {"error", e.what()}});
        keyring_ = std::make_unique<openpgp::Keyring>();  // drop everything rather than keep it
        entries_.clear();
    }
}

void KeyringCache::drop(const std::string& fingerprint) {
    auto it = entries_.find(fingerprint);
    if (it == entries_.end()) {
        return;
    }
    try {
        if (it->second.secret) {
            lock(*keyring_, fingerprint);
        }
        keyring_->remove(fingerprint);
        entries_.erase(it);
    } catch (...) {
        // No entry may outlive its key's state being known: start over, then report.
        entries_.clear();
        keyring_ = std::make_unique<openpgp::Keyring>();
        throw;
    }
}

// Locks every unlocked key, then starts a fresh keyring even if a lock failed (that failure
// is thrown after, so the caller hears of it and no entry outlives its key).
void KeyringCache::drop_all() {
    std::exception_ptr failure;
    for (const auto& [fingerprint, entry] : entries_) {
        try {
            if (entry.secret) {
                lock(*keyring_, fingerprint);
            }
        } catch (...) {
            failure = failure ? failure : std::current_exception();
        }
    }
    entries_.clear();
    keyring_ = std::make_unique<openpgp::Keyring>();
    if (failure) {
        std::rethrow_exception(failure);
    }
}

}  // namespace sealpost::keystore
