// choose_encryption_key, table-driven: the preferred key if usable, else the first usable key
// of the address, else the domain key of its domain, else nothing.
#include <functional>
#include <map>
#include <optional>

#include "keystore/key_choice.hpp"
#include "keystore_test_support.hpp"

namespace sealpost::keystore::testing {
namespace {

constexpr std::int64_t day = 86400;

// Keys made once for all rows; each row imports the ones it needs into a fresh store.
struct Pool {
    std::map<std::string, std::string> fingerprint;  // label -> fingerprint
    std::map<std::string, std::string> packets;      // label -> public packets
};

const Pool& pool() {
    static const Pool made = [] {
        Pool p;
        auto add = [&p](const std::string& label, ForeignKey& key) {
            p.fingerprint[label] = key.fingerprint();
            p.packets[label] = key.public_packets();
        };
        ForeignKey k1("Erin <erin@example.org>");
        ForeignKey k2("Erin (laptop) <erin@example.org>");
        ForeignKey k3("Erin (temporary) <erin@example.org>", openpgp::KeyAlgorithm::Ed25519, 1);
        ForeignKey dk("_Domain Key_ <anybody@example.org>");
        add("k1", k1);
        add("k2", k2);
        add("k3", k3);
        add("dk", dk);
        k1.revoke();
        p.fingerprint["k1-revoked"] = k1.fingerprint();
        p.packets["k1-revoked"] = k1.public_packets();
        return p;
    }();
    return made;
}

struct Row {
    const char* name;
    std::vector<std::string> imports;  // labels, imported in this order
    std::function<void(Store&, const Pool&)> setup;
    std::string address;
    std::int64_t now_offset;            // seconds after now
    std::optional<std::string> expect;  // label of the chosen key; nullopt = no key
    std::string reason;
};

void prefer(Store& store, const std::string& address, const std::string& fpr) {
    store.set_preferred(address, fpr);
}

const Row rows[] = {
    {"OnlyKeyNoPreference", {"k1"}, nullptr, "erin@example.org", 0, "k1", "first-usable"},
    {"PreferredWins",
     {"k1", "k2", "k3"},
     [](Store& s, const Pool& p) { prefer(s, "erin@example.org", p.fingerprint.at("k2")); },
     "erin@example.org",
     0,
     "k2",
     "preferred"},
    {"OtherPreferredWins",
     {"k1", "k2", "k3"},
     [](Store& s, const Pool& p) { prefer(s, "erin@example.org", p.fingerprint.at("k3")); },
     "erin@example.org",
     0,
     "k3",
     "preferred"},
    {"PreferredDisabledFallsBackToFirstUsable",
     {"k1", "k2"},
     [](Store& s, const Pool& p) {
         prefer(s, "erin@example.org", p.fingerprint.at("k1"));
         s.set_enabled(p.fingerprint.at("k1"), false);
     },
     "erin@example.org",
     0,
     "k2",
     "first-usable"},
    {"PreferredNotYetExpiredStillWins",
     {"k3", "k2"},
     [](Store& s, const Pool& p) { prefer(s, "erin@example.org", p.fingerprint.at("k3")); },
     "erin@example.org",
     0,
     "k3",
     "preferred"},
    {"PreferredExpiredFallsBackToFirstUsable",
     {"k3", "k2"},
     [](Store& s, const Pool& p) { prefer(s, "erin@example.org", p.fingerprint.at("k3")); },
     "erin@example.org",
     2 * day,
     "k2",
     "first-usable"},
    {"PreferredRevokedFallsBackToFirstUsable",
     {"k1-revoked", "k2"},
     [](Store& s, const Pool& p) { prefer(s, "erin@example.org", p.fingerprint.at("k1")); },
     "erin@example.org",
     0,
     "k2",
     "first-usable"},
    {"UnusableKeysAreSkippedWithoutPreference",
     {"k1-revoked", "k3", "k2"},
     [](Store& s, const Pool& p) { s.set_enabled(p.fingerprint.at("k2"), false); },
     "erin@example.org",
     0,
     "k3",
     "first-usable"},
    {"AllKeysUnusableGivesTheDomainKey",
     {"k1-revoked", "k3", "dk"},
     [](Store& s, const Pool& p) { s.set_domain_key("example.org", p.fingerprint.at("dk")); },
     "erin@example.org",
     2 * day,
     "dk",
     "domain-key"},
    {"NoKeyForTheAddressGivesTheDomainKey",
     {"k1", "dk"},
     [](Store& s, const Pool& p) { s.set_domain_key("example.org", p.fingerprint.at("dk")); },
     "frank@example.org",
     0,
     "dk",
     "domain-key"},
    {"NoKeyAtAll", {}, nullptr, "erin@example.org", 0, std::nullopt, ""},
    {"KeysUnusableAndNoDomainKey",
     {"k1"},
     [](Store& s, const Pool& p) { s.set_enabled(p.fingerprint.at("k1"), false); },
     "erin@example.org",
     0,
     std::nullopt,
     ""},
    {"DomainKeyDisabled",
     {"dk"},
     [](Store& s, const Pool& p) {
         s.set_domain_key("example.org", p.fingerprint.at("dk"));
         s.set_enabled(p.fingerprint.at("dk"), false);
     },
     "frank@example.org",
     0,
     std::nullopt,
     ""},
    {"DomainKeyOfAnotherDomainIsNotUsed",
     {"dk"},
     [](Store& s, const Pool& p) { s.set_domain_key("example.org", p.fingerprint.at("dk")); },
     "frank@example.com",
     0,
     std::nullopt,
     ""},
    {"SubdomainDoesNotInheritTheDomainKey",
     {"dk"},
     [](Store& s, const Pool& p) { s.set_domain_key("example.org", p.fingerprint.at("dk")); },
     "frank@mail.example.org",
     0,
     std::nullopt,
     ""},
};

class ChooseEncryptionKey : public KeystoreTest, public ::testing::WithParamInterface<Row> {};

TEST_P(ChooseEncryptionKey, Chooses) {
    const auto& row = GetParam();
    const auto& p = pool();
    for (const auto& label : row.imports) {
        ASSERT_EQ(keys().import(p.packets.at(label)).size(), 1u) << label;
    }
    if (row.setup) {
        row.setup(store(), p);
    }
    auto choice = choose_encryption_key(store(), row.address, keys().now() + row.now_offset);
    if (!row.expect) {
        EXPECT_FALSE(choice) << "chose " << choice->key.fingerprint << " (" << choice->reason
                             << ")";
        return;
    }
    ASSERT_TRUE(choice);
    EXPECT_EQ(choice->key.fingerprint, p.fingerprint.at(*row.expect));
    EXPECT_EQ(choice->reason, row.reason);
    EXPECT_FALSE(unusable_for_encryption(choice->key, keys().now() + row.now_offset));
}

INSTANTIATE_TEST_SUITE_P(Table, ChooseEncryptionKey, ::testing::ValuesIn(rows),
                         [](const ::testing::TestParamInfo<Row>& info) {
                             return std::string(info.param.name);
                         });

using KeyChoiceTest = KeystoreTest;

TEST_F(KeyChoiceTest, SetPreferredChangesTheChoice) {
    const auto& p = pool();
    keys().import(p.packets.at("k1") + p.packets.at("k2"));
    const auto& k1 = p.fingerprint.at("k1");
    const auto& k2 = p.fingerprint.at("k2");
    auto now = keys().now();

    store().set_preferred("erin@example.org", k1);
    EXPECT_EQ(store().preferred("erin@example.org"), k1);
    auto first = choose_encryption_key(store(), "erin@example.org", now);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->key.fingerprint, k1);
    EXPECT_EQ(first->reason, "preferred");

    store().set_preferred("erin@example.org", k2);
    EXPECT_EQ(store().preferred("erin@example.org"), k2);
    auto second = choose_encryption_key(store(), "erin@example.org", now);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->key.fingerprint, k2);
    EXPECT_EQ(second->reason, "preferred");

    // Re-enabling a disabled preferred key makes it the choice again.
    store().set_enabled(k2, false);
    EXPECT_EQ(choose_encryption_key(store(), "erin@example.org", now)->key.fingerprint, k1);
    store().set_enabled(k2, true);
    EXPECT_EQ(choose_encryption_key(store(), "erin@example.org", now)->key.fingerprint, k2);
}

TEST_F(KeyChoiceTest, UnusableReasons) {
    const auto& p = pool();
    keys().import(p.packets.at("k3") + p.packets.at("k1-revoked"));
    auto now = keys().now();
    auto k3 = *store().get_record(p.fingerprint.at("k3"));
    EXPECT_EQ(unusable_for_encryption(k3, now), std::nullopt);
    EXPECT_EQ(unusable_for_encryption(k3, now + 2 * day), std::optional<std::string>("expired"));
    EXPECT_EQ(unusable_for_signing(k3, now), std::optional<std::string>("no secret key"));
    auto k1 = *store().get_record(p.fingerprint.at("k1"));
    EXPECT_EQ(unusable_for_encryption(k1, now), std::optional<std::string>("revoked"));
    store().set_enabled(k1.fingerprint, false);
    EXPECT_EQ(unusable_for_encryption(*store().get_record(k1.fingerprint), now),
              std::optional<std::string>("disabled"));
}

}  // namespace
}  // namespace sealpost::keystore::testing
