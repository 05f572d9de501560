// The keystore's part of the data directory (DESIGN.md §3): keystore.db and the master
// passphrase file, with recovery from a passphrase change that was interrupted.
#pragma once

#include <filesystem>
#include <memory>

#include "common/secret.hpp"
#include "keystore/key_manager.hpp"
#include "keystore/store.hpp"

namespace sealpost::keystore {

struct DataDir {
    std::filesystem::path root;

    std::filesystem::path keystore() const { return root / "keystore.db"; }
    std::filesystem::path passphrase() const { return root / "passphrase"; }
    std::filesystem::path pending_passphrase() const { return root / "passphrase.new"; }
    std::filesystem::path backups() const { return root / "backups"; }
    std::filesystem::path exports() const { return root / "exports"; }
};

// An open keystore: the store and the key manager that works on it.
struct OpenKeystore {
    std::unique_ptr<Store> store;
    std::unique_ptr<KeyManager> keys;
};

// Creates keystore.db and a random master passphrase (mode 0600) in an existing folder.
void create_keystore(const DataDir& dir);

// Opens the keystore of `dir`. If a passphrase change was interrupted, finishes or abandons
// it first, so the passphrase file always matches the keys. Throws Error(NotFound) with a
// hint to run `sealpost init` when the folder has no keystore.
OpenKeystore open_keystore(const DataDir& dir);

// Changes the master passphrase: re-protects every secret key in one transaction; a kill at
// any point leaves every key readable with the passphrase in the passphrase file.
std::size_t change_master_passphrase(const DataDir& dir, KeyManager& keys, const Secret& next);

}  // namespace sealpost::keystore
