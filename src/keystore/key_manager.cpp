#include "keystore/key_manager.hpp"

#include <sodium.h>

#include <chrono>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "openpgp/packets.hpp"

namespace sealpost::keystore {

namespace {

constexpr const char* verifier_name = "passphrase_verifier";

void require_limits(openpgp::Keyring& keyring, const std::string& fpr,
                    const openpgp::KeyLimits& limits) {
    try {
        keyring.check_limits(fpr, limits);
    } catch (const Error& e) {
        throw Error(ErrorKind::BadInput, std::string("refused: ") + e.what());
    }
}

}  // namespace

const char* to_string(ImportOutcome outcome) {
    switch (outcome) {
        case ImportOutcome::New:
            return "new";
        case ImportOutcome::Updated:
            return "updated";
        case ImportOutcome::Unchanged:
            return "unchanged";
    }
    return "unchanged";
}

void fill_record(KeyRecord& record, const openpgp::KeyInfo& info) {
    record.fingerprint = info.fingerprint;
    record.key_id = info.key_id;
    record.user_ids = info.user_ids;
    record.addresses = info.addresses;
    record.subkey_ids = info.subkey_ids;
    record.algorithm = info.algorithm;
    record.bits = info.bits;
    record.created = info.created;
    record.expires = info.expires;
    record.revoked = info.revoked;
    record.can_encrypt = info.can_encrypt;
    record.can_sign = info.can_sign;
}

std::int64_t KeyManager::now() const {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<ImportedKey> KeyManager::import(std::string_view data, const ImportOptions& options) {
    if (data.size() > options.limits.max_input_bytes) {
        throw Error(ErrorKind::LimitExceeded, "key data of " + std::to_string(data.size()) +
                                                  " bytes is over the limit of " +
                                                  std::to_string(options.limits.max_input_bytes));
    }
    openpgp::check_packet_sizes(openpgp::dearmored(data), options.limits);
    openpgp::Keyring incoming;
    auto fingerprints = incoming.import(data, true);
    std::vector<ImportedKey> report;
    std::vector<StoredKey> changed;
    Progress progress("importing keys", fingerprints.size());
    for (const auto& fpr : fingerprints) {
        require_limits(incoming, fpr, options.limits);
        if (!incoming.has_valid_self_signature(fpr)) {
            throw Error(ErrorKind::BadInput, "refused: key " + fpr +
                                                 " has no user ID with a valid self-signature "
                                                 "(damaged or forged)");
        }
        ImportedKey entry{fpr};
        entry.dropped_signatures = incoming.strip_third_party_signatures(fpr);
        auto merged = merge(incoming, fpr, options, entry.outcome);
        entry.secret = !merged.secret_packets.empty();
        if (entry.outcome != ImportOutcome::Unchanged) {
            changed.push_back(std::move(merged));
        }
        report.push_back(entry);
        progress.advance();
    }
    store_.transaction([&] {
        for (const auto& key : changed) {
            store_.put_key(key);
        }
    });
    for (const auto& entry : report) {
        log::info("keystore", "key-imported",
                  {{"fpr", entry.fingerprint},
                   {"outcome", to_string(entry.outcome)},
                   {"secret", entry.secret ? "yes" : "no"},
                   {"origin", to_string(options.origin)},
                   {"dropped_signatures", entry.dropped_signatures}});
    }
    return report;
}

StoredKey KeyManager::merge(openpgp::Keyring& incoming, const std::string& fpr,
                            const ImportOptions& options, ImportOutcome& outcome) {
    auto existing = store_.get_key(fpr);
    std::string secret;
    if (incoming.info(fpr).has_secret) {
        incoming.reprotect(fpr, options.secret_passphrase.value_or(Secret()), master_);
        secret = incoming.export_secret(fpr);
    }
    openpgp::Keyring merged;
    if (existing) {
        merged.import(existing->public_packets, false);
    }
    merged.import(incoming.export_public(fpr), false);

    StoredKey key;
    key.public_packets = merged.export_public(fpr);
    key.secret_packets =
        existing && !existing->secret_packets.empty() ? existing->secret_packets : secret;
    if (existing) {
        key.record = existing->record;
        bool same = existing->public_packets == key.public_packets &&
                    existing->secret_packets == key.secret_packets;
        outcome = same ? ImportOutcome::Unchanged : ImportOutcome::Updated;
    } else {
        key.record.origin = options.origin;
        key.record.added = now();
        outcome = ImportOutcome::New;
    }
    fill_record(key.record, merged.info(fpr));
    key.record.has_secret = !key.secret_packets.empty();
    key.record.updated = now();
    if (options.cache_until != 0) {
        key.record.cache_until = options.cache_until;
    }
    return key;
}

KeyRecord KeyManager::generate(const std::string& address, const std::string& name,
                               openpgp::KeyAlgorithm algorithm, std::uint32_t expires_days,
                               Origin origin) {
    openpgp::Keyring keyring;
    std::string user_id = name.empty() ? "<" + address + ">" : name + " <" + address + ">";
    auto fpr = openpgp::generate(keyring, {user_id, algorithm, expires_days}, master_);
    StoredKey key;
    key.public_packets = keyring.export_public(fpr);
    key.secret_packets = keyring.export_secret(fpr);
    fill_record(key.record, keyring.info(fpr));
    key.record.has_secret = true;
    key.record.origin = origin;
    key.record.added = key.record.updated = now();
    store_.transaction([&] { store_.put_key(key); });
    log::info("keystore", "key-generated",
              {{"fpr", fpr},
               {"address", address},
               {"algorithm", openpgp::to_string(algorithm)},
               {"expires_days", expires_days}});
    return *store_.get_record(fpr);
}

KeyRecord KeyManager::resolve(std::string_view key) {
    std::string text(key);
    std::vector<KeyRecord> matches;
    if (openpgp::looks_like_fingerprint(text)) {
        if (auto record = store_.get_record(openpgp::upper_hex(text))) {
            matches.push_back(*record);
        }
    } else if (openpgp::looks_like_key_id(text)) {
        matches = store_.find_by_key_id(openpgp::upper_hex(text));
    } else if (text.find('@') != std::string::npos) {
        matches = store_.find_by_address(openpgp::normalise_address(text));
    } else {
        throw Error(ErrorKind::BadInput, "'" + text +
                                             "' is neither a fingerprint, a 16-hex key ID nor "
                                             "an address");
    }
    if (matches.empty()) {
        throw Error(ErrorKind::NotFound, "no key matches '" + text + "'");
    }
    if (matches.size() > 1) {
        throw Error(ErrorKind::Conflict, std::to_string(matches.size()) + " keys match '" + text +
                                             "'; name one by fingerprint");
    }
    return matches.front();
}

std::string KeyManager::export_public(const std::string& fingerprint, bool armored) {
    auto key = store_.get_key(fingerprint);
    if (!key) {
        throw Error(ErrorKind::NotFound, "no key " + fingerprint);
    }
    openpgp::Keyring keyring;
    keyring.import(key->public_packets, false);
    return keyring.export_public(fingerprint, armored);
}

std::string KeyManager::export_secret(const std::string& fingerprint, bool armored,
                                      const std::optional<Secret>& passphrase) {
    auto key = store_.get_key(fingerprint);
    if (!key) {
        throw Error(ErrorKind::NotFound, "no key " + fingerprint);
    }
    if (key->secret_packets.empty()) {
        throw Error(ErrorKind::Unusable, "key " + fingerprint + " has no secret part here");
    }
    openpgp::Keyring keyring;
    keyring.import(key->secret_packets, true);
    if (passphrase) {
        keyring.reprotect(fingerprint, master_, *passphrase);
    }
    return keyring.export_secret(fingerprint, armored);
}

void KeyManager::load_into(openpgp::Keyring& keyring, const std::vector<std::string>& fingerprints,
                           bool with_secret) {
    for (const auto& fpr : fingerprints) {
        auto key = store_.get_key(fpr);
        if (!key) {
            throw Error(ErrorKind::NotFound, "no key " + fpr);
        }
        bool secret = with_secret && !key->secret_packets.empty();
        keyring.import(secret ? key->secret_packets : key->public_packets, secret);
        if (secret) {
            keyring.import(key->public_packets, false);
        }
    }
    keyring.set_passphrase(master_);
}

void KeyManager::provide_keys(openpgp::Keyring& keyring, bool allow_secret) {
    keyring.set_passphrase(master_);
    keyring.set_key_provider([this, allow_secret](openpgp::Keyring& ring, std::string_view type,
                                                  std::string_view id, bool secret) {
        std::string wanted = openpgp::upper_hex(id);
        if (type == "fingerprint" && wanted.size() >= 16) {
            wanted = wanted.substr(wanted.size() - 16);
        } else if (type != "keyid") {
            return;
        }
        for (const auto& record : store_.find_by_key_id(wanted)) {
            if (ring.contains(record.fingerprint) && !(secret && allow_secret)) {
                continue;
            }
            load_into(ring, {record.fingerprint}, secret && allow_secret);
        }
    });
}

bool KeyManager::passphrase_matches(const Secret& passphrase) {
    auto verifier = store_.meta(verifier_name);
    if (!verifier) {
        return true;
    }
    const auto& text = passphrase.reveal();
    return crypto_pwhash_str_verify(verifier->c_str(), text.c_str(), text.size()) == 0;
}

void KeyManager::record_passphrase(const Secret& passphrase) {
    char hashed[crypto_pwhash_STRBYTES];
    const auto& text = passphrase.reveal();
    if (crypto_pwhash_str(hashed, text.c_str(), text.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        throw Error(ErrorKind::Temporary, "not enough memory to hash the passphrase");
    }
    store_.set_meta(verifier_name, hashed);
}

std::size_t KeyManager::change_passphrase(const Secret& next,
                                          const std::function<void()>& before_commit) {
    if (next.reveal().size() < 8) {
        throw Error(ErrorKind::BadInput, "the new passphrase must have at least 8 characters");
    }
    std::vector<StoredKey> keys;
    for (auto& key : store_.all_keys()) {
        if (!key.secret_packets.empty()) {
            keys.push_back(std::move(key));
        }
    }
    Progress progress("re-protecting keys", keys.size());
    for (auto& key : keys) {
        openpgp::Keyring keyring;
        keyring.import(key.secret_packets, true);
        keyring.reprotect(key.record.fingerprint, master_, next);
        key.secret_packets = keyring.export_secret(key.record.fingerprint);
        progress.advance();
    }
    store_.transaction([&] {
        for (const auto& key : keys) {
            store_.put_key(key);
        }
        record_passphrase(next);
        before_commit();
    });
    master_ = next;
    log::info("keystore", "passphrase-changed", {{"keys", keys.size()}});
    return keys.size();
}

}  // namespace sealpost::keystore
