// KeyringCache: secret keys unlocked once and kept so; a key whose record changed is loaded
// again; a key that left the store, failed to unlock or was evicted is gone from the keyring.
#include "keystore/keyring_cache.hpp"
#include "keystore_test_support.hpp"
#include "openpgp/operations.hpp"

namespace sealpost::keystore::testing {
namespace {

// Whether any secret part (primary or subkey) of the key is locked.
bool any_part_locked(const openpgp::Keyring& ring, const std::string& fingerprint) {
    auto primary = ring.find(fingerprint);
    std::vector<openpgp::rnp::Key> parts;
    parts.push_back(std::move(primary));
    size_t count = 0;
    rnp_key_get_subkey_count(parts.front().get(), &count);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t sub = nullptr;
        rnp_key_get_subkey_at(parts.front().get(), i, &sub);
        parts.emplace_back(sub);
    }
    for (const auto& part : parts) {
        bool locked = true;
        rnp_key_is_locked(part.get(), &locked);
        if (locked) {
            return true;
        }
    }
    return false;
}

class KeyringCacheTest : public KeystoreTest {
protected:
    KeyRecord local_key(const std::string& address) {
        return keys().generate(address, "", openpgp::KeyAlgorithm::Ed25519, 0);
    }

    const std::string payload_ = "a message of a few words\n";
};

TEST_F(KeyringCacheTest, SecretKeysAreUnlockedOnceAndStayUnlockedAcrossOperations) {
    auto alice = local_key("alice@example.org");
    auto bob = local_key("bob@example.org");
    KeyringCache cache(keys());
    auto& ring = cache.prepare({alice, bob}, true);
    EXPECT_EQ(cache.size(), 2u);
    EXPECT_EQ(cache.unlocked(), 2u);
    EXPECT_FALSE(any_part_locked(ring, alice.fingerprint));

    for (int round = 0; round < 3; ++round) {
        auto& again = cache.prepare({bob, alice}, true);
        EXPECT_EQ(&again, &ring);  // the same keyring, nothing loaded again
        auto sealed = openpgp::encrypt(again, payload_, {bob.fingerprint}, {alice.fingerprint});
        auto opened = openpgp::decrypt(again, sealed);
        EXPECT_EQ(opened.plaintext, payload_);
        ASSERT_EQ(opened.signatures.size(), 1u);
        EXPECT_EQ(opened.signatures.front().status, openpgp::SignatureStatus::Good);
        EXPECT_FALSE(any_part_locked(ring, alice.fingerprint));
        EXPECT_FALSE(any_part_locked(ring, bob.fingerprint));
    }
}

// A message given in pieces is encrypted as the pieces joined, the ciphertext handed over in
// chunks; a writer that fails stops the encryption with its own error.
TEST_F(KeyringCacheTest, EncryptsPiecesAndWritesChunks) {
    auto alice = local_key("alice@example.org");
    KeyringCache cache(keys());
    auto& ring = cache.prepare({alice}, true);
    std::string big(300000, 'x');
    std::string_view pieces[] = {"", "head\r\n", big, "", "tail"};
    std::string sealed;
    std::size_t chunks = 0;
    openpgp::encrypt_to(ring, pieces, {alice.fingerprint}, {alice.fingerprint}, {},
                        [&](std::string_view chunk) {
                            sealed.append(chunk);
                            ++chunks;
                        });
    EXPECT_GT(chunks, 1u);
    auto opened = openpgp::decrypt(ring, sealed);
    EXPECT_EQ(opened.plaintext, "head\r\n" + big + "tail");
    ASSERT_EQ(opened.signatures.size(), 1u);
    EXPECT_EQ(opened.signatures.front().status, openpgp::SignatureStatus::Good);

    auto signature = openpgp::sign_detached(ring, pieces, {alice.fingerprint});
    auto checked = openpgp::verify(ring, "head\r\n" + big + "tail", signature);
    ASSERT_EQ(checked.signatures.size(), 1u);
    EXPECT_EQ(checked.signatures.front().status, openpgp::SignatureStatus::Good);

    EXPECT_THROW(openpgp::encrypt_to(
                     ring, pieces, {alice.fingerprint}, {}, {},
                     [](std::string_view) { throw Error(ErrorKind::Temporary, "disk full"); }),
                 Error);
}

// The keyring holds no passphrase: a key that is locked is refused, never unlocked on the
// side with some passphrase the cache kept.
TEST_F(KeyringCacheTest, ALockedKeyFailsItsOperation) {
    auto alice = local_key("alice@example.org");
    KeyringCache cache(keys());
    auto& ring = cache.prepare({alice}, true);
    auto key = ring.find(alice.fingerprint);
    ASSERT_EQ(rnp_key_lock(key.get()), RNP_SUCCESS);
    EXPECT_THROW(openpgp::sign(ring, payload_, {alice.fingerprint}, openpgp::SignMode::Detached),
                 Error);
}

TEST_F(KeyringCacheTest, PublicPartOnlyUnlessTheSecretOneIsAskedFor) {
    auto alice = local_key("alice@example.org");
    KeyringCache cache(keys());
    cache.prepare({alice}, false);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.unlocked(), 0u);
    EXPECT_THROW(
        openpgp::sign(cache.keyring(), payload_, {alice.fingerprint}, openpgp::SignMode::Detached),
        Error);

    cache.prepare({alice}, true);
    EXPECT_EQ(cache.unlocked(), 1u);
    EXPECT_NO_THROW(
        openpgp::sign(cache.keyring(), payload_, {alice.fingerprint}, openpgp::SignMode::Detached));
}

TEST_F(KeyringCacheTest, AKeyWhoseRecordChangedIsLoadedAgain) {
    ForeignKey bob("Bob <bob@example.net>");
    auto before = *store().get_record(import_one(bob.public_packets()).fingerprint);
    KeyringCache cache(keys());
    EXPECT_EQ(cache.prepare({before}, false).info(bob.fingerprint()).user_ids.size(), 1u);

    bob.add_user_id("Bob at work <bob@work.example>");
    import_one(bob.public_packets());
    auto after = *store().get_record(bob.fingerprint());
    // The old record still gets the keyring as it was loaded; the new one reloads it.
    EXPECT_EQ(cache.prepare({after}, false).info(bob.fingerprint()).user_ids.size(), 2u);
}

TEST_F(KeyringCacheTest, AChangedSecretKeyIsUnlockedAgainAfterReloading) {
    auto alice = local_key("alice@example.org");
    KeyringCache cache(keys());
    cache.prepare({alice}, true);
    EXPECT_FALSE(cache.keyring().info(alice.fingerprint).revoked);

    import_one(revoked_copy_of_local_key(alice.fingerprint));
    auto revoked = *store().get_record(alice.fingerprint);
    ASSERT_TRUE(revoked.revoked);
    auto& ring = cache.prepare({revoked}, true);
    EXPECT_TRUE(ring.info(alice.fingerprint).revoked);
    EXPECT_EQ(cache.unlocked(), 1u);
    EXPECT_FALSE(any_part_locked(ring, alice.fingerprint));
}

TEST_F(KeyringCacheTest, AKeyThatLeftTheStoreIsDroppedFromTheKeyring) {
    auto alice = local_key("alice@example.org");
    auto bob = local_key("bob@example.org");
    KeyringCache cache(keys());
    cache.prepare({alice, bob}, true);
    ASSERT_TRUE(store().remove_key(alice.fingerprint));

    // A caller holding a stale record: the key changed (it is gone), so it is not used.
    auto stale = alice;
    stale.updated += 1;
    EXPECT_EQ(kind_of([&] { cache.prepare({stale}, true); }), ErrorKind::NotFound);
    EXPECT_FALSE(cache.keyring().contains(alice.fingerprint));
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.unlocked(), 1u);
}

TEST_F(KeyringCacheTest, AWrongMasterPassphraseLeavesNoKeyBehind) {
    auto alice = local_key("alice@example.org");
    KeyManager wrong(store(), Secret("not the master passphrase"));
    KeyringCache cache(wrong);
    EXPECT_EQ(kind_of([&] { cache.prepare({alice}, true); }), ErrorKind::WrongPassphrase);
    EXPECT_FALSE(cache.keyring().contains(alice.fingerprint));
    EXPECT_EQ(cache.size(), 0u);
    EXPECT_EQ(cache.unlocked(), 0u);
}

TEST_F(KeyringCacheTest, AFullCacheStartsOver) {
    auto alice = local_key("alice@example.org");
    auto bob = local_key("bob@example.org");
    auto carol = local_key("carol@example.org");
    KeyringCache cache(keys(), 2);
    cache.prepare({alice}, true);
    cache.prepare({bob}, true);
    EXPECT_EQ(cache.size(), 2u);
    auto& ring = cache.prepare({carol}, true);
    EXPECT_EQ(cache.size(), 1u);
    EXPECT_EQ(cache.unlocked(), 1u);
    EXPECT_FALSE(ring.contains(alice.fingerprint));
    EXPECT_FALSE(ring.contains(bob.fingerprint));
    EXPECT_FALSE(any_part_locked(ring, carol.fingerprint));
}

}  // namespace
}  // namespace sealpost::keystore::testing
