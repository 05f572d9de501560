// SqliteStore's remembered lookups: a change committed by this connection, by another
// SqliteStore on the same file (another worker) or by a plain SQLite connection (another
// process) is seen by the very next lookup; a rolled-back write is never seen afterwards.
#include <sqlite3.h>

#include "common/lookup_hold.hpp"
#include "keystore/key_choice.hpp"
#include "keystore/sqlite/lookup_cache.hpp"
#include "keystore_test_support.hpp"

namespace sealpost::keystore::testing {
namespace {

constexpr std::int64_t now = 1900000000;

class LookupCacheTest : public KeystoreTest {
protected:
    // A second connection to the same keystore, as another worker thread holds.
    sqlite::SqliteStore& other() {
        if (!other_) {
            other_ = std::make_unique<sqlite::SqliteStore>(db_path().string());
        }
        return *other_;
    }

    // Runs `sql` on a connection of its own, as another process (`sealpost keys`) would.
    void run_elsewhere(const std::string& sql) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
        char* message = nullptr;
        int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
        EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
        sqlite3_free(message);
        sqlite3_close(db);
    }

    // Imports two keys for erin@example.org; returns their fingerprints in the store's order,
    // so the first is the one chosen while both are usable. Read on a connection of its own,
    // so the store under test has remembered nothing yet.
    std::pair<std::string, std::string> two_keys_for_erin() {
        import_one(erin1_.public_packets());
        import_one(erin2_.public_packets());
        sqlite::SqliteStore reader(db_path().string());
        auto keys = reader.find_by_address("erin@example.org");
        EXPECT_EQ(keys.size(), 2u);
        return keys.size() == 2 ? std::pair{keys[0].fingerprint, keys[1].fingerprint}
                                : std::pair<std::string, std::string>{};
    }

    std::string chosen(Store& store, const std::string& address) {
        auto choice = choose_encryption_key(store, address, now);
        return choice ? choice->key.fingerprint : "none";
    }

    ForeignKey erin1_{"Erin <erin@example.org>"};
    ForeignKey erin2_{"Erin (laptop) <erin@example.org>"};
    std::unique_ptr<sqlite::SqliteStore> other_;
};

TEST_F(LookupCacheTest, RepeatedLookupsAreRemembered) {
    auto [first, second] = two_keys_for_erin();
    EXPECT_EQ(store().remembered_lookups(), 0u);
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    auto after_one = store().remembered_lookups();
    EXPECT_GE(after_one, 2u);  // the address's keys and its preferred key
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_EQ(store().remembered_lookups(), after_one);
    EXPECT_EQ(store().find_by_address("nobody@example.org").size(), 0u);
    EXPECT_EQ(store().remembered_lookups(), after_one + 1);  // "no keys" is an answer too
}

TEST_F(LookupCacheTest, KeyDisabledByAnotherWorkerIsNotChosenOnceCommitted) {
    auto [first, second] = two_keys_for_erin();
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_EQ(chosen(other(), "erin@example.org"), first);

    other().set_enabled(first, false);
    EXPECT_EQ(chosen(store(), "erin@example.org"), second);
    EXPECT_FALSE(store().get_record(first)->enabled);
}

// Reading a key's packets must not leave a read transaction open: it would hold this
// connection on that snapshot, and every later lookup would miss what others commit.
TEST_F(LookupCacheTest, ReadingPacketsDoesNotHoldAnOldSnapshot) {
    auto [first, second] = two_keys_for_erin();
    ASSERT_TRUE(store().get_key(first).has_value());
    other().set_enabled(first, false);
    EXPECT_FALSE(store().get_record(first)->enabled);
    EXPECT_EQ(chosen(store(), "erin@example.org"), second);
}

TEST_F(LookupCacheTest, KeyDeletedByAnotherProcessIsNotFoundOnceCommitted) {
    auto [first, second] = two_keys_for_erin();
    auto key_id = store().get_record(first)->key_id;
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_EQ(store().find_by_key_id(key_id).size(), 1u);

    run_elsewhere("PRAGMA foreign_keys = ON; DELETE FROM keys WHERE fingerprint = '" + first + "'");
    EXPECT_EQ(chosen(store(), "erin@example.org"), second);
    EXPECT_FALSE(store().get_record(first).has_value());
    EXPECT_FALSE(store().get_key(first).has_value());
    EXPECT_TRUE(store().find_by_key_id(key_id).empty());
    EXPECT_EQ(store().find_by_address("erin@example.org").size(), 1u);
}

TEST_F(LookupCacheTest, PreferredAndDomainKeysChangedElsewhereAreSeen) {
    auto [first, second] = two_keys_for_erin();
    ForeignKey domain("_Domain Key_ <anybody@example.org>");
    auto domain_fpr = import_one(domain.public_packets()).fingerprint;
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_EQ(chosen(store(), "frank@example.org"), "none");

    other().set_preferred("erin@example.org", second);
    EXPECT_EQ(chosen(store(), "erin@example.org"), second);

    run_elsewhere("INSERT INTO domain_keys (domain, fingerprint) VALUES ('example.org', '" +
                  domain_fpr + "')");
    EXPECT_EQ(chosen(store(), "frank@example.org"), domain_fpr);
    other().remove_domain_key("example.org");
    EXPECT_EQ(chosen(store(), "frank@example.org"), "none");
}

TEST_F(LookupCacheTest, ChangesThroughTheSameConnectionAreSeen) {
    auto [first, second] = two_keys_for_erin();
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);

    store().set_preferred("erin@example.org", second);  // outside any transaction
    EXPECT_EQ(chosen(store(), "erin@example.org"), second);
    store().set_enabled(second, false);
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_TRUE(store().remove_key(first));
    EXPECT_EQ(chosen(store(), "erin@example.org"), "none");
    EXPECT_FALSE(store().get_record(first).has_value());
}

TEST_F(LookupCacheTest, ALocalDomainAddedElsewhereMakesItsKeysLocal) {
    auto [first, second] = two_keys_for_erin();
    EXPECT_FALSE(store().get_record(first)->local);
    other().add_local_domain("example.org");
    EXPECT_TRUE(store().get_record(first)->local);
    EXPECT_TRUE(store().find_by_address("erin@example.org").front().local);
}

TEST_F(LookupCacheTest, LookupsInsideATransactionSeeItsWritesAndARollbackLeavesNoTrace) {
    auto keys = two_keys_for_erin();
    const std::string first = keys.first;
    const std::string second = keys.second;
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_THROW(store().transaction([&] {
        store().set_enabled(first, false);
        EXPECT_EQ(chosen(store(), "erin@example.org"), second);
        store().remove_key(second);
        EXPECT_EQ(chosen(store(), "erin@example.org"), "none");
        throw Error(ErrorKind::Internal, "abandon the transaction");
    }),
                 Error);
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    EXPECT_TRUE(store().get_record(first)->enabled);
    EXPECT_TRUE(store().get_record(second).has_value());
}

TEST_F(LookupCacheTest, ImportThroughTheKeyManagerIsSeenByTheNextLookup) {
    EXPECT_EQ(chosen(store(), "erin@example.org"), "none");
    auto first = import_one(erin1_.public_packets()).fingerprint;
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    erin1_.revoke();
    import_one(erin1_.public_packets());
    EXPECT_TRUE(store().get_record(first)->revoked);
    EXPECT_EQ(chosen(store(), "erin@example.org"), "none");
}

TEST(LookupCacheBound, StartsOverWhenFull) {
    sqlite::LookupCache cache(3);
    using Question = sqlite::LookupCache::Question;
    cache.remember(Question::PreferredKey, "a@example.org", std::optional<std::string>("A"));
    cache.remember(Question::DomainKey, "example.org", std::optional<std::string>());
    cache.remember(Question::KeysOfAddress, "a@example.org", std::vector<KeyRecord>(2));
    EXPECT_EQ(cache.size(), 3u);
    ASSERT_NE(cache.fingerprint(Question::PreferredKey, "a@example.org"), nullptr);
    EXPECT_EQ(*cache.fingerprint(Question::PreferredKey, "a@example.org"), "A");
    // The same subject under another question is another answer.
    EXPECT_EQ(cache.fingerprint(Question::DomainKey, "a@example.org"), nullptr);
    ASSERT_NE(cache.records(Question::KeysOfAddress, "a@example.org"), nullptr);
    EXPECT_EQ(cache.records(Question::KeysOfAddress, "a@example.org")->size(), 2u);

    cache.remember(Question::Record, "ABCD", std::vector<KeyRecord>(1));
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.fingerprint(Question::PreferredKey, "a@example.org"), nullptr);
    EXPECT_NE(cache.records(Question::Record, "ABCD"), nullptr);
}

// Within one message (a LookupHold), the first lookup checks for other connections' commits
// and the rest trust it; the next message sees what was committed meanwhile. Writes of this
// connection are seen at once, hold or not.
TEST_F(LookupCacheTest, AHoldChecksOtherConnectionsOnceAndOwnWritesAlways) {
    auto [first, second] = two_keys_for_erin();
    EXPECT_EQ(chosen(store(), "erin@example.org"), first);
    {
        sealpost::LookupHold hold(store());
        EXPECT_EQ(chosen(store(), "erin@example.org"), first);
        other().set_enabled(first, false);
        EXPECT_EQ(chosen(store(), "erin@example.org"), first);  // as the message began
        store().set_preferred("erin@example.org", second);      // our own write
        EXPECT_EQ(chosen(store(), "erin@example.org"), second);
        store().set_preferred("erin@example.org", first);
    }
    {
        sealpost::LookupHold hold(store());
        EXPECT_EQ(chosen(store(), "erin@example.org"), second);  // first is disabled now
    }
}

}  // namespace
}  // namespace sealpost::keystore::testing
