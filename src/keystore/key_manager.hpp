// Key management on top of a Store: import with merging and flood defence, generation,
// export, the master passphrase. Every change is one transaction: a failed call leaves the
// keystore as it was.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.hpp"
#include "keystore/store.hpp"
#include "openpgp/generate.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::keystore {

struct ImportOptions {
    Origin origin = Origin::Imported;
    std::optional<Secret> secret_passphrase;  // the passphrase of secret keys being imported
    openpgp::KeyLimits limits;
    std::int64_t cache_until = 0;
};

enum class ImportOutcome { New, Updated, Unchanged };
const char* to_string(ImportOutcome outcome);

struct ImportedKey {
    std::string fingerprint;
    ImportOutcome outcome = ImportOutcome::New;
    bool secret = false;
    std::size_t dropped_signatures = 0;  // third-party certifications not kept
};

class KeyManager {
public:
    KeyManager(Store& store, Secret master) : store_(store), master_(std::move(master)) {}

    Store& store() { return store_; }
    const Secret& master() const { return master_; }

    // Imports every key in `data`, all or nothing.
    std::vector<ImportedKey> import(std::string_view data, const ImportOptions& options = {});

    // Generates a key pair for `address` (name optional) and stores it. Returns the record.
    KeyRecord generate(const std::string& address, const std::string& name,
                       openpgp::KeyAlgorithm algorithm, std::uint32_t expires_days,
                       Origin origin = Origin::Generated);

    // KEY as a user types it: a fingerprint, a 16-hex key ID or an address. Throws
    // Error(NotFound) when nothing matches and Error(Conflict) when an address or key ID
    // matches several keys.
    KeyRecord resolve(std::string_view key);

    std::string export_public(const std::string& fingerprint, bool armored);
    // The secret key stays protected: under `passphrase` if given, else the master one.
    std::string export_secret(const std::string& fingerprint, bool armored,
                              const std::optional<Secret>& passphrase);

    // Lets `keyring` fetch keys from the store on demand, by key ID or fingerprint, as an
    // operation needs them: the recipient's secret key to decrypt, a signer's public key to
    // verify. Secret keys only when `allow_secret`.
    void provide_keys(openpgp::Keyring& keyring, bool allow_secret);

    // Loads the named keys into `keyring` (secret parts too when asked), ready for use with
    // the master passphrase.
    void load_into(openpgp::Keyring& keyring, const std::vector<std::string>& fingerprints,
                   bool with_secret);

    // Re-protects every secret key with `next` and records the new passphrase's verifier, in
    // one transaction. `before_commit` runs after all keys were re-protected in memory and
    // before the transaction commits (the caller saves the new passphrase there). Returns how
    // many keys were re-protected.
    std::size_t change_passphrase(const Secret& next, const std::function<void()>& before_commit);

    // Whether `passphrase` is the one the keystore's secret keys are protected with, by the
    // verifier stored beside them (true when no verifier was recorded yet).
    bool passphrase_matches(const Secret& passphrase);
    void record_passphrase(const Secret& passphrase);

    std::int64_t now() const;

private:
    StoredKey merge(openpgp::Keyring& incoming, const std::string& fingerprint,
                    const ImportOptions& options, ImportOutcome& outcome);

    Store& store_;
    Secret master_;
};

// Fills a KeyRecord's OpenPGP-derived fields from librnp's view of the key.
void fill_record(KeyRecord& record, const openpgp::KeyInfo& info);

}  // namespace sealpost::keystore
