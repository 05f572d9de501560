// KeyManager over a real SqliteStore: generation, import with merging (same key, new user ID,
// revocation), several keys per address, all-or-nothing imports, passphrase change.
#include "keystore_test_support.hpp"

namespace sealpost::keystore::testing {
namespace {

using openpgp::KeyAlgorithm;

using KeyManagerTest = KeystoreTest;

TEST_F(KeyManagerTest, GeneratesEd25519KeyWithEncryptionSubkey) {
    auto record = keys().generate("alice@example.org", "Alice", KeyAlgorithm::Ed25519, 0);
    EXPECT_EQ(record.fingerprint.size(), 40u);
    EXPECT_EQ(record.key_id, record.fingerprint.substr(24));
    EXPECT_EQ(record.algorithm, "EDDSA");
    EXPECT_EQ(record.user_ids, std::vector<std::string>{"Alice <alice@example.org>"});
    EXPECT_EQ(record.addresses, std::vector<std::string>{"alice@example.org"});
    EXPECT_EQ(record.subkey_ids.size(), 1u);
    EXPECT_TRUE(record.has_secret);
    EXPECT_TRUE(record.local);
    EXPECT_TRUE(record.can_encrypt);
    EXPECT_TRUE(record.can_sign);
    EXPECT_TRUE(record.enabled);
    EXPECT_FALSE(record.revoked);
    EXPECT_EQ(record.expires, 0);
    EXPECT_EQ(record.origin, Origin::Generated);

    // Messages name the encryption subkey: the key must be found by its ID too.
    auto by_subkey = store().find_by_key_id(record.subkey_ids.front());
    ASSERT_EQ(by_subkey.size(), 1u);
    EXPECT_EQ(by_subkey.front().fingerprint, record.fingerprint);

    auto stored = store().get_key(record.fingerprint);
    ASSERT_TRUE(stored);
    EXPECT_FALSE(stored->public_packets.empty());
    EXPECT_FALSE(stored->secret_packets.empty());
}

TEST_F(KeyManagerTest, GeneratesRsaKeyWithExpiry) {
    auto record = keys().generate("rsa@example.org", "", KeyAlgorithm::Rsa2048, 30);
    EXPECT_EQ(record.algorithm, "RSA");
    EXPECT_EQ(record.bits, 2048u);
    EXPECT_EQ(record.user_ids, std::vector<std::string>{"<rsa@example.org>"});
    EXPECT_EQ(record.expires, record.created + 30 * 86400);
    EXPECT_TRUE(record.can_encrypt);
    EXPECT_TRUE(record.has_secret);
    EXPECT_EQ(record.subkey_ids.size(), 1u);
}

TEST_F(KeyManagerTest, GeneratedSecretKeyIsProtectedByTheMasterPassphrase) {
    auto record = keys().generate("alice@example.org", "", KeyAlgorithm::Ed25519, 0);
    auto stored = store().get_key(record.fingerprint);
    ASSERT_TRUE(stored);
    openpgp::Keyring ring;
    ring.import(stored->secret_packets, true);
    EXPECT_EQ(kind_of([&] {
                  ring.reprotect(record.fingerprint, Secret("not the master"), Secret("x"), 1024);
              }),
              ErrorKind::WrongPassphrase);
    EXPECT_NO_THROW(
        ring.reprotect(record.fingerprint, master_passphrase(), Secret("next one"), 1024));
}

// Keyring::import gives back upper-case fingerprints, like the store and every other caller
// (librnp's import report has them in lower case): a re-import must find the stored key and
// merge into it, not replace it (which would lose stored user IDs, revocations, the secret
// part of a local key, `enabled` and `origin`).
TEST_F(KeyManagerTest, ImportingTheSameKeyTwiceStoresItOnce) {
    ForeignKey bob("Bob <bob@example.net>");
    auto first = import_one(bob.public_packets());
    EXPECT_EQ(first.fingerprint, bob.fingerprint());
    EXPECT_EQ(first.outcome, ImportOutcome::New);
    EXPECT_FALSE(first.secret);
    auto before = store().get_key(bob.fingerprint());
    ASSERT_TRUE(before);
    EXPECT_EQ(before->record.origin, Origin::Imported);
    EXPECT_FALSE(before->record.has_secret);
    EXPECT_FALSE(before->record.local);

    auto binary_again = import_one(bob.public_packets());
    EXPECT_EQ(binary_again.outcome, ImportOutcome::Unchanged);
    auto armored_again = import_one(bob.public_armored());
    EXPECT_EQ(armored_again.outcome, ImportOutcome::Unchanged);

    EXPECT_EQ(fingerprints(), std::vector<std::string>{bob.fingerprint()});
    auto after = store().get_key(bob.fingerprint());
    ASSERT_TRUE(after);
    EXPECT_EQ(after->public_packets, before->public_packets);
    EXPECT_EQ(after->record.updated, before->record.updated);
    EXPECT_EQ(after->record.added, before->record.added);
}

TEST_F(KeyManagerTest, ImportingTheSameSecretKeyTwiceStoresItOnceUnderTheMasterPassphrase) {
    ForeignKey carol("<carol@example.net>");
    ImportOptions options;
    options.secret_passphrase = foreign_passphrase();
    auto first = import_one(carol.secret_packets(), options);
    EXPECT_EQ(first.outcome, ImportOutcome::New);
    EXPECT_TRUE(first.secret);
    auto before = store().get_key(carol.fingerprint());
    ASSERT_TRUE(before);
    EXPECT_TRUE(before->record.has_secret);

    auto again = import_one(carol.secret_packets(), options);
    EXPECT_EQ(again.outcome, ImportOutcome::Unchanged);
    EXPECT_EQ(fingerprints(), std::vector<std::string>{carol.fingerprint()});
    EXPECT_EQ(store().get_key(carol.fingerprint())->secret_packets, before->secret_packets);

    // Re-protected on the way in: the master passphrase unlocks it, the old one does not.
    openpgp::Keyring ring;
    ring.import(before->secret_packets, true);
    EXPECT_EQ(kind_of([&] {
                  ring.reprotect(carol.fingerprint(), foreign_passphrase(), Secret("x"), 1024);
              }),
              ErrorKind::WrongPassphrase);
    EXPECT_NO_THROW(ring.reprotect(carol.fingerprint(), master_passphrase(), Secret("y"), 1024));
}

TEST_F(KeyManagerTest, SecretImportWithTheWrongPassphraseStoresNothing) {
    ForeignKey carol("<carol@example.net>");
    ImportOptions options;
    options.secret_passphrase = Secret("wrong passphrase");
    EXPECT_EQ(kind_of([&] { keys().import(carol.secret_packets(), options); }),
              ErrorKind::WrongPassphrase);
    EXPECT_TRUE(fingerprints().empty());
}

TEST_F(KeyManagerTest, ImportAfterAddingAUserIdUpdatesTheRecordWithBothAddresses) {
    ForeignKey bob("Bob <bob@example.net>");
    ASSERT_EQ(import_one(bob.public_packets()).outcome, ImportOutcome::New);
    auto before = store().get_record(bob.fingerprint());
    ASSERT_TRUE(before);

    bob.add_user_id("Bob at work <bob@work.example>");
    auto second = import_one(bob.public_packets());
    EXPECT_EQ(second.outcome, ImportOutcome::Updated);
    EXPECT_EQ(fingerprints(), std::vector<std::string>{bob.fingerprint()});

    auto record = store().get_record(bob.fingerprint());
    ASSERT_TRUE(record);
    EXPECT_TRUE(contains(record->addresses, "bob@example.net"));
    EXPECT_TRUE(contains(record->addresses, "bob@work.example"));
    EXPECT_EQ(record->addresses.size(), 2u);
    EXPECT_TRUE(contains(record->user_ids, "Bob <bob@example.net>"));
    EXPECT_TRUE(contains(record->user_ids, "Bob at work <bob@work.example>"));
    EXPECT_EQ(record->added, before->added);
    EXPECT_EQ(store().find_by_address("bob@work.example").size(), 1u);
    EXPECT_EQ(store().find_by_address("bob@example.net").size(), 1u);

    // Importing the merged key once more brings nothing new.
    auto third = import_one(store().get_key(bob.fingerprint())->public_packets);
    EXPECT_EQ(third.outcome, ImportOutcome::Unchanged);
}

TEST_F(KeyManagerTest, OlderCopyWithoutTheNewUserIdDoesNotRemoveIt) {
    ForeignKey bob("Bob <bob@example.net>");
    auto old_copy = bob.public_packets();
    bob.add_user_id("<bob@work.example>");
    ASSERT_EQ(import_one(bob.public_packets()).outcome, ImportOutcome::New);
    EXPECT_EQ(import_one(old_copy).outcome, ImportOutcome::Unchanged);
    EXPECT_EQ(store().get_record(bob.fingerprint())->addresses.size(), 2u);
}

TEST_F(KeyManagerTest, ImportOfARevokedCopyMergesTheRevocation) {
    ForeignKey bob("Bob <bob@example.net>");
    auto old_copy = bob.public_packets();
    ASSERT_EQ(import_one(old_copy).outcome, ImportOutcome::New);
    EXPECT_FALSE(store().get_record(bob.fingerprint())->revoked);

    bob.revoke();
    EXPECT_EQ(import_one(bob.public_packets()).outcome, ImportOutcome::Updated);
    auto record = store().get_record(bob.fingerprint());
    ASSERT_TRUE(record);
    EXPECT_TRUE(record->revoked);
    EXPECT_EQ(fingerprints(), std::vector<std::string>{bob.fingerprint()});

    // An old copy cannot take the revocation back.
    EXPECT_EQ(import_one(old_copy).outcome, ImportOutcome::Unchanged);
    EXPECT_TRUE(store().get_record(bob.fingerprint())->revoked);
}

TEST_F(KeyManagerTest, RevokingALocalKeyKeepsItsSecretPart) {
    auto record = keys().generate("alice@example.org", "", KeyAlgorithm::Ed25519, 0);
    auto secret_before = store().get_key(record.fingerprint)->secret_packets;
    auto revoked = revoked_copy_of_local_key(record.fingerprint);
    auto result = import_one(revoked);
    EXPECT_EQ(result.outcome, ImportOutcome::Updated);
    EXPECT_TRUE(result.secret);
    auto after = store().get_key(record.fingerprint);
    ASSERT_TRUE(after);
    EXPECT_TRUE(after->record.revoked);
    EXPECT_TRUE(after->record.has_secret);
    EXPECT_EQ(after->secret_packets, secret_before);
    EXPECT_EQ(after->record.origin, Origin::Generated);
}

// A re-import must not silently re-enable a key the administrator disabled.
TEST_F(KeyManagerTest, ReimportKeepsTheKeyDisabled) {
    ForeignKey bob("<bob@example.net>");
    import_one(bob.public_packets());
    store().set_enabled(bob.fingerprint(), false);
    import_one(bob.public_packets());
    EXPECT_FALSE(store().get_record(bob.fingerprint())->enabled);
}

TEST_F(KeyManagerTest, SeveralKeysPerAddress) {
    auto one = keys().generate("dave@example.org", "Dave", KeyAlgorithm::Ed25519, 0);
    auto two = keys().generate("dave@example.org", "Dave (new)", KeyAlgorithm::Ed25519, 0);
    ForeignKey three("Dave elsewhere <Dave@Example.ORG>");
    ASSERT_EQ(import_one(three.public_packets()).outcome, ImportOutcome::New);

    auto found = store().find_by_address("dave@example.org");
    ASSERT_EQ(found.size(), 3u);
    std::vector<std::string> got;
    for (const auto& r : found)
        got.push_back(r.fingerprint);
    EXPECT_TRUE(contains(got, one.fingerprint));
    EXPECT_TRUE(contains(got, two.fingerprint));
    EXPECT_TRUE(contains(got, three.fingerprint()));
    EXPECT_EQ(fingerprints().size(), 3u);

    EXPECT_EQ(kind_of([&] { keys().resolve("dave@example.org"); }), ErrorKind::Conflict);
    EXPECT_EQ(keys().resolve(two.fingerprint).fingerprint, two.fingerprint);
    EXPECT_EQ(keys().resolve(one.key_id).fingerprint, one.fingerprint);
    EXPECT_EQ(kind_of([&] { keys().resolve("nobody@example.org"); }), ErrorKind::NotFound);
}

TEST_F(KeyManagerTest, ImportOfSeveralKeysIsAllOrNothing) {
    ForeignKey good("<good@example.net>");
    ForeignKey bad("<bad@example.net>");
    bad.add_user_id("<bad-too@example.net>");
    ImportOptions options;
    options.limits.max_user_ids = 1;  // `bad` has two: the second key of the data is refused
    auto data = good.public_packets() + bad.public_packets();
    EXPECT_EQ(kind_of([&] { keys().import(data, options); }), ErrorKind::BadInput);
    EXPECT_TRUE(fingerprints().empty());

    // Without the limit both go in, in one call.
    EXPECT_EQ(keys().import(data).size(), 2u);
    EXPECT_EQ(fingerprints().size(), 2u);
}

TEST_F(KeyManagerTest, ImportRefusesGarbageAndLeavesTheStoreAlone) {
    ForeignKey bob("<bob@example.net>");
    import_one(bob.public_packets());
    auto before = store().get_key(bob.fingerprint());
    EXPECT_EQ(kind_of([&] { keys().import("this is not a key"); }), ErrorKind::BadInput);
    auto armored = bob.public_armored();
    EXPECT_EQ(kind_of([&] { keys().import(armored.substr(0, armored.size() / 2)); }),
              ErrorKind::BadInput);
    EXPECT_EQ(fingerprints(), std::vector<std::string>{bob.fingerprint()});
    EXPECT_EQ(store().get_key(bob.fingerprint())->public_packets, before->public_packets);
}

TEST_F(KeyManagerTest, ExportedSecretKeyUsesTheGivenPassphrase) {
    auto record = keys().generate("alice@example.org", "", KeyAlgorithm::Ed25519, 0);
    auto exported = keys().export_secret(record.fingerprint, true, Secret("export passphrase"));
    openpgp::Keyring ring;
    ring.import(exported, true);
    EXPECT_EQ(kind_of([&] {
                  ring.reprotect(record.fingerprint, master_passphrase(), Secret("x"), 1024);
              }),
              ErrorKind::WrongPassphrase);
    EXPECT_NO_THROW(
        ring.reprotect(record.fingerprint, Secret("export passphrase"), Secret("y"), 1024));
    EXPECT_EQ(kind_of([&] { keys().export_secret(std::string(40, 'A'), true, {}); }),
              ErrorKind::NotFound);
}

TEST_F(KeyManagerTest, PassphraseChangeThatFailsBeforeCommitChangesNothing) {
    auto record = keys().generate("alice@example.org", "", KeyAlgorithm::Ed25519, 0);
    keys().record_passphrase(master_passphrase());
    auto secret_before = store().get_key(record.fingerprint)->secret_packets;
    Secret next("a brand-new master passphrase");

    EXPECT_THROW(keys().change_passphrase(
                     next, [] { throw Error(ErrorKind::Temporary, "disk full (simulated)"); }),
                 Error);
    EXPECT_EQ(store().get_key(record.fingerprint)->secret_packets, secret_before);
    EXPECT_TRUE(keys().passphrase_matches(master_passphrase()));
    EXPECT_FALSE(keys().passphrase_matches(next));
    EXPECT_EQ(keys().master().reveal(), master_passphrase().reveal());

    bool saved = false;
    EXPECT_EQ(keys().change_passphrase(next, [&] { saved = true; }), 1u);
    EXPECT_TRUE(saved);
    EXPECT_TRUE(keys().passphrase_matches(next));
    EXPECT_FALSE(keys().passphrase_matches(master_passphrase()));
    openpgp::Keyring ring;
    ring.import(store().get_key(record.fingerprint)->secret_packets, true);
    EXPECT_NO_THROW(ring.reprotect(record.fingerprint, next, Secret("z"), 1024));

    EXPECT_EQ(kind_of([&] { keys().change_passphrase(Secret("short"), [] {}); }),
              ErrorKind::BadInput);
}

}  // namespace
}  // namespace sealpost::keystore::testing
