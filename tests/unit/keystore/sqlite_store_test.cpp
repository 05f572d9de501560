// SqliteStore: transactions roll back completely, migrations, cascades, backups.
#include <sqlite3.h>

#include <sstream>

#include "keystore/sqlite/schema.hpp"
#include "keystore_test_support.hpp"

namespace sealpost::keystore::testing {
namespace {

constexpr int latest_version = static_cast<int>(sqlite::migrations.size());

// Everything the store holds, as text, for before/after comparisons.
std::string snapshot(Store& store) {
    std::ostringstream out;
    for (const auto& key : store.all_keys()) {
        const auto& r = key.record;
        out << "key " << r.fingerprint << " id=" << r.key_id << " enabled=" << r.enabled
            << " revoked=" << r.revoked << " secret=" << r.has_secret << " added=" << r.added
            << " updated=" << r.updated << " origin=" << to_string(r.origin)
            << " expires=" << r.expires << " pub=" << key.public_packets.size() << ":"
            << std::hash<std::string>{}(key.public_packets)
            << " sec=" << std::hash<std::string>{}(key.secret_packets) << "\n";
        for (const auto& a : r.addresses) {
            out << "  address " << a << " preferred=" << store.preferred(a).value_or("-") << "\n";
        }
        for (const auto& u : r.user_ids)
            out << "  uid " << u << "\n";
        for (const auto& s : r.subkey_ids)
            out << "  subkey " << s << "\n";
    }
    for (const auto& d : store.domain_keys())
        out << "domain " << d.domain << " " << d.fingerprint << "\n";
    for (const auto& t : store.transport_keys())
        out << "transport " << t.ip << " " << t.fingerprint << "\n";
    for (const auto& d : store.local_domains())
        out << "local " << d << "\n";
    out << "meta " << store.meta("test-marker").value_or("-") << "\n";
    return out.str();
}

int user_version(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, nullptr);
    int version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return version;
}

void set_user_version(const std::filesystem::path& path, int version) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    auto sql = "PRAGMA user_version = " + std::to_string(version);
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
}

class SqliteStoreTest : public KeystoreTest {
protected:
    // A store with something in every table.
    void populate() {
        local_ = keys().generate("alice@example.org", "Alice", openpgp::KeyAlgorithm::Ed25519, 0);
        ForeignKey bob("<bob@example.net>");
        remote_ = bob.fingerprint();
        keys().import(bob.public_packets());
        store().transaction([&] {
            store().set_preferred("alice@example.org", local_.fingerprint);
            store().set_domain_key("example.org", local_.fingerprint);
            store().set_transport_key("192.0.2.1", remote_);
            store().add_local_domain("example.org");
            store().set_meta("test-marker", "before");
        });
    }

    KeyRecord local_;
    std::string remote_;
};

TEST_F(SqliteStoreTest, NewDatabaseHasTheLatestSchemaVersion) {
    EXPECT_EQ(store().schema_version(), latest_version);
    EXPECT_EQ(user_version(db_path()), latest_version);
}

TEST_F(SqliteStoreTest, ReopeningKeepsTheVersionAndTheData) {
    populate();
    auto before = snapshot(store());
    open();
    EXPECT_EQ(store().schema_version(), latest_version);
    EXPECT_EQ(snapshot(store()), before);
    // Opening without `create` works on an existing keystore too.
    keys_.reset();
    store_ = std::make_unique<sqlite::SqliteStore>(db_path().string(), false);
    EXPECT_EQ(store_->schema_version(), latest_version);
    EXPECT_EQ(snapshot(*store_), before);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
    keys_.reset();
    store_.reset();
    set_user_version(db_path(), latest_version + 1);
    try {
        sqlite::SqliteStore newer(db_path().string(), false);
        FAIL() << "opened a keystore with a newer schema";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_NE(std::string(e.what()).find("upgrade"), std::string::npos) << e.what();
    }
    EXPECT_EQ(user_version(db_path()), latest_version + 1);
}

TEST_F(SqliteStoreTest, MissingDatabaseIsNotCreatedWithoutCreate) {
    auto missing = dir_.path() / "missing.db";
    EXPECT_THROW(sqlite::SqliteStore(missing.string(), false), Error);
    EXPECT_FALSE(std::filesystem::exists(missing));
}

TEST_F(SqliteStoreTest, TransactionThatThrowsLeavesTheStoreUnchanged) {
    populate();
    auto before = snapshot(store());
    ForeignKey carol("<carol@example.net>");
    EXPECT_THROW(store().transaction([&] {
        keys().import(carol.public_packets());  // nested transaction inside
        store().set_enabled(local_.fingerprint, false);
        store().set_preferred("alice@example.org", remote_);
        store().set_domain_key("example.org", remote_);
        store().remove_transport_key("192.0.2.1");
        store().add_local_domain("example.net");
        store().set_meta("test-marker", "after");
        EXPECT_TRUE(store().remove_key(remote_));
        throw std::runtime_error("fails half-way");
    }),
                 std::runtime_error);
    EXPECT_EQ(snapshot(store()), before);
    EXPECT_FALSE(store().get_record(carol.fingerprint()));

    // The store is usable afterwards, and another connection sees the same.
    store().transaction([&] { store().set_meta("test-marker", "later"); });
    EXPECT_EQ(store().meta("test-marker"), "later");
    sqlite::SqliteStore other(db_path().string(), false);
    EXPECT_EQ(other.meta("test-marker"), "later");
    EXPECT_TRUE(other.get_record(remote_));
}

TEST_F(SqliteStoreTest, NestedTransactionThatThrowsRollsBackTheOuterOne) {
    populate();
    auto before = snapshot(store());
    EXPECT_THROW(store().transaction([&] {
        store().set_meta("test-marker", "outer");
        store().transaction([&] {
            store().set_enabled(remote_, false);
            throw Error(ErrorKind::Temporary, "inner fails");
        });
    }),
                 Error);
    EXPECT_EQ(snapshot(store()), before);
}

TEST_F(SqliteStoreTest, PutKeyKeepsAddedOfAnExistingKey) {
    populate();
    auto key = *store().get_key(remote_);
    auto added = key.record.added;
    key.record.added = added + 1000;
    key.record.updated = added + 2000;
    store().put_key(key);
    auto after = store().get_record(remote_);
    EXPECT_EQ(after->added, added);
    EXPECT_EQ(after->updated, added + 2000);
}

TEST_F(SqliteStoreTest, RemovingAKeyRemovesItsAddressesAndMappings) {
    populate();
    EXPECT_TRUE(store().remove_key(local_.fingerprint));
    EXPECT_FALSE(store().remove_key(local_.fingerprint));
    EXPECT_TRUE(store().find_by_address("alice@example.org").empty());
    EXPECT_TRUE(store().find_by_key_id(local_.key_id).empty());
    EXPECT_FALSE(store().preferred("alice@example.org"));
    EXPECT_FALSE(store().domain_key("example.org"));
    EXPECT_EQ(store().transport_key("192.0.2.1"), remote_);
}

TEST_F(SqliteStoreTest, BackupIsAConsistentCopy) {
    populate();
    auto copy = dir_.path() / "copy.db";
    store().backup_to(copy.string());
    sqlite::SqliteStore restored(copy.string(), false);
    EXPECT_EQ(restored.schema_version(), latest_version);
    EXPECT_EQ(snapshot(restored), snapshot(store()));
}

TEST_F(SqliteStoreTest, LocalKeysAreThoseWithSecretsOrInLocalDomains) {
    populate();
    EXPECT_TRUE(store().get_record(local_.fingerprint)->local);
    EXPECT_FALSE(store().get_record(remote_)->local);
    store().add_local_domain("example.net");
    EXPECT_TRUE(store().get_record(remote_)->local);
    ListFilter remote_only;
    remote_only.locality = ListFilter::Locality::Remote;
    EXPECT_TRUE(store().list(remote_only).empty());
}

}  // namespace
}  // namespace sealpost::keystore::testing
