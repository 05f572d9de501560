// Schema version 2 adds the directory's tables to a keystore database; a version 1 keystore
// is upgraded in place and keeps its keys, addresses, local domains and metadata.
#include "directory_test_support.hpp"
#include "keystore/sqlite/schema.hpp"

namespace sealpost::directory::testing {
namespace {

constexpr const char* fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";

// A keystore as Sealpost with schema version 1 left it, with one key of a local user.
void write_version_one(const std::filesystem::path& path) {
    raw_execute(path, std::string(keystore::sqlite::migrations[0]) + "PRAGMA user_version = 1;");
    raw_execute(path,
                "INSERT INTO keys (fingerprint, key_id, public_packets, secret_packets, user_ids, "
                "algorithm, bits, created, expires, can_encrypt, can_sign, origin, added, "
                "updated) VALUES ('" +
                    std::string(fingerprint) +
                    "', '89ABCDEF01234567', x'c6330401', x'c5580401', "
                    "'[\"Alice <alice@example.org>\"]', 'EDDSA', 255, 1700000000, 0, 1, 1, "
                    "'generated', 1700000001, 1700000002);"
                    "INSERT INTO key_addresses VALUES ('alice@example.org', 'example.org', '" +
                    fingerprint +
                    "');"
                    "INSERT INTO local_domains VALUES ('example.org');"
                    "INSERT INTO meta VALUES ('passphrase-check', 'kept');");
}

TEST(DirectoryMigration, AVersionOneKeystoreIsUpgradedAndKeepsItsKeys) {
    TempDir dir;
    auto path = dir.path() / "keystore.db";
    write_version_one(path);

    SqliteDirectory directory(path.string());
    EXPECT_EQ(raw_text(path, "PRAGMA user_version"),
              std::to_string(keystore::sqlite::migrations.size()));
    EXPECT_EQ(directory.domains(), std::vector<std::string>{"example.org"});
    directory.add_account("alice@example.org", "Alice", Secret("pw"));
    directory.add_member("staff", "alice@example.org");
    EXPECT_TRUE(directory.verify_password("alice@example.org", Secret("pw")));

    keystore::sqlite::SqliteStore store(path.string(), false);
    auto key = store.get_key(fingerprint);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->public_packets, std::string("\xc6\x33\x04\x01"));
    EXPECT_EQ(key->secret_packets, std::string("\xc5\x58\x04\x01"));
    EXPECT_EQ(key->record.user_ids, std::vector<std::string>{"Alice <alice@example.org>"});
    EXPECT_EQ(key->record.addresses, std::vector<std::string>{"alice@example.org"});
    EXPECT_TRUE(key->record.local);
    EXPECT_EQ(key->record.added, 1700000001);
    EXPECT_EQ(store.meta("passphrase-check"), "kept");
}

TEST(DirectoryMigration, AKeystoreOpenedByTheStoreFirstHasTheTablesToo) {
    TempDir dir;
    auto path = dir.path() / "keystore.db";
    write_version_one(path);
    { keystore::sqlite::SqliteStore store(path.string(), false); }
    EXPECT_EQ(raw_text(path, "SELECT count(*) FROM accounts"), "0");
    SqliteDirectory directory(path.string());
    EXPECT_TRUE(directory.accounts().empty());
}

TEST(DirectoryMigration, ANewerSchemaIsRefused) {
    TempDir dir;
    auto path = dir.path() / "keystore.db";
    write_version_one(path);
    raw_execute(path, "PRAGMA user_version = 99");
    std::string message;
    EXPECT_EQ(error_kind([&] { SqliteDirectory directory(path.string()); }, &message),
              ErrorKind::BadInput);
    EXPECT_NE(message.find("upgrade Sealpost"), std::string::npos) << message;
}

TEST(DirectoryMigration, AMissingKeystoreIsNotCreated) {
    TempDir dir;
    auto path = dir.path() / "keystore.db";
    EXPECT_EQ(error_kind([&] { SqliteDirectory directory(path.string()); }), ErrorKind::NotFound);
    EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace sealpost::directory::testing
