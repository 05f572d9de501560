// Shared fixture of the keystore tests: a SqliteStore in a fresh temporary folder, a KeyManager
// with a fixed master passphrase, and helpers that make "foreign" keys (made elsewhere, as a
// correspondent's client would) and variants of them with librnp in-process.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "../../support/temp_dir.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/secret.hpp"
#include "keystore/key_manager.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "openpgp/generate.hpp"
#include "openpgp/keyring.hpp"
#include "openpgp/rnp.hpp"

namespace sealpost::keystore::testing {

inline const Secret& master_passphrase() {
    static const Secret master("unit-test master passphrase, fixed");
    return master;
}

inline const Secret& foreign_passphrase() {
    static const Secret foreign("the correspondent's own passphrase");
    return foreign;
}

using sealpost::testing::TempDir;

// A key made outside the keystore, kept in its own keyring (with its secret part under
// foreign_passphrase()) so tests can derive new versions of it: more user IDs, revoked.
class ForeignKey {
public:
    explicit ForeignKey(const std::string& user_id,
                        openpgp::KeyAlgorithm algorithm = openpgp::KeyAlgorithm::Ed25519,
                        std::uint32_t expires_days = 0) {
        fingerprint_ =
            openpgp::generate(ring_, {user_id, algorithm, expires_days}, foreign_passphrase());
        ring_.set_passphrase(foreign_passphrase());
    }

    const std::string& fingerprint() const { return fingerprint_; }
    std::string public_packets() const { return ring_.export_public(fingerprint_); }
    std::string public_armored() const { return ring_.export_public(fingerprint_, true); }
    std::string secret_packets() const { return ring_.export_secret(fingerprint_); }

    void add_user_id(const std::string& user_id) {
        auto key = ring_.find(fingerprint_);
        openpgp::rnp::check(rnp_key_add_uid(key.get(), user_id.c_str(), nullptr, 0, 0, false),
                            "add user ID");
    }
    void revoke() {
        auto key = ring_.find(fingerprint_);
        openpgp::rnp::check(rnp_key_revoke(key.get(), 0, nullptr, "compromised", "unit test"),
                            "revoke key");
    }

private:
    openpgp::Keyring ring_;
    std::string fingerprint_;
};

class KeystoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_level(log::Level::Warn);
        open();
    }

    void open() {
        keys_.reset();
        store_.reset();
        store_ = std::make_unique<sqlite::SqliteStore>(db_path().string(), true);
        keys_ = std::make_unique<KeyManager>(*store_, master_passphrase());
    }

    std::filesystem::path db_path() const { return dir_.path() / "keystore.db"; }
    sqlite::SqliteStore& store() { return *store_; }
    KeyManager& keys() { return *keys_; }

    // The one outcome of importing `data`, which must hold exactly one key.
    ImportedKey import_one(const std::string& data, const ImportOptions& options = {}) {
        auto report = keys().import(data, options);
        EXPECT_EQ(report.size(), 1u);
        return report.empty() ? ImportedKey{} : report.front();
    }

    std::vector<std::string> fingerprints() {
        std::vector<std::string> out;
        for (const auto& r : store().list({})) {
            out.push_back(r.fingerprint);
        }
        std::sort(out.begin(), out.end());
        return out;
    }

    // A version of a key held in this store (secret part under the master passphrase) that
    // librnp revoked: its public packets, as a correspondent would send them back.
    std::string revoked_copy_of_local_key(const std::string& fingerprint) {
        auto stored = store().get_key(fingerprint);
        EXPECT_TRUE(stored.has_value());
        openpgp::Keyring ring;
        ring.import(stored->secret_packets, true);
        ring.import(stored->public_packets, false);
        ring.set_passphrase(master_passphrase());
        auto key = ring.find(fingerprint);
        openpgp::rnp::check(rnp_key_revoke(key.get(), 0, nullptr, "retired", "unit test"),
                            "revoke key");
        return ring.export_public(fingerprint);
    }

    TempDir dir_;
    std::unique_ptr<sqlite::SqliteStore> store_;
    std::unique_ptr<KeyManager> keys_;
};

// The kind of the sealpost::Error that `work` throws; a test failure if it throws none.
inline ErrorKind kind_of(const std::function<void()>& work) {
    try {
        work();
    } catch (const Error& e) {
        return e.kind();
    }
    ADD_FAILURE() << "no sealpost::Error was thrown";
    return ErrorKind::Internal;
}

inline bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace sealpost::keystore::testing
