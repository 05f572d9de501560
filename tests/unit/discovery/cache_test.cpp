// The fetched-key cache with a clock the test moves: a key is kept for the longer of
// pka_cache_hours and the record's TTL, then no longer chosen, swept, and a changed record is
// followed; an address with nothing found is not asked again for negative_cache_minutes.
#include "discovery_test_support.hpp"
#include "keystore/key_choice.hpp"

namespace sealpost::discovery::testing {
namespace {

TEST_F(DiscoveryTest, TheCacheHoursWinOverAShorterTtl) {
    ForeignKey bob("Bob <bob@example.net>");
    settings_.pka_cache_hours = 12;
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets(), 300);
    find("bob@example.net");
    EXPECT_EQ(record(bob.fingerprint())->cache_until, now_ + 12 * hour);
}

TEST_F(DiscoveryTest, ALongerTtlWinsOverTheCacheHours) {
    ForeignKey bob("Bob <bob@example.net>");
    settings_.pka_cache_hours = 1;
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets(), 7200);
    find("bob@example.net");
    EXPECT_EQ(record(bob.fingerprint())->cache_until, now_ + 7200);
}

TEST_F(DiscoveryTest, TheCacheLastsAtLeastAnHour) {
    ForeignKey bob("Bob <bob@example.net>");
    settings_.pka_cache_hours = 0;  // below the minimum the config allows
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets(), 60);
    find("bob@example.net");
    EXPECT_EQ(record(bob.fingerprint())->cache_until, now_ + hour);
}

TEST_F(DiscoveryTest, ACachedKeyIsNotFetchedAgain) {
    ForeignKey bob("Bob <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    find("bob@example.net");
    now_ += 11 * hour;
    auto again = find("bob@example.net");
    EXPECT_EQ(again.result, Outcome::Result::Cached);
    EXPECT_EQ(fetcher_->requests.size(), 1u);
}

TEST_F(DiscoveryTest, AnEndedCacheIsNotChosenThenSweptAndFetchedAgain) {
    ForeignKey bob("Bob <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    find("bob@example.net");
    ASSERT_TRUE(keystore::choose_encryption_key(store(), "bob@example.net", now_));
    now_ += 12 * hour;
    EXPECT_FALSE(keystore::choose_encryption_key(store(), "bob@example.net", now_));
    EXPECT_EQ(discovery().sweep_expired(), 1u);
    EXPECT_TRUE(fingerprints().empty());
    EXPECT_EQ(find("bob@example.net").result, Outcome::Result::Found);
    EXPECT_EQ(record(bob.fingerprint())->cache_until, now_ + 12 * hour);
}

TEST_F(DiscoveryTest, AChangedRecordIsFollowedOnceTheCacheEnds) {
    ForeignKey old_key("Bob <bob@example.net>");
    ForeignKey new_key("Bob <bob@example.net>");
    publish_pka("bob@example.net", old_key.fingerprint(), old_key.public_packets());
    find("bob@example.net");
    publish_pka("bob@example.net", new_key.fingerprint(), new_key.public_packets());
    now_ += 6 * hour;
    EXPECT_EQ(find("bob@example.net").fingerprint, old_key.fingerprint());
    now_ += 6 * hour;
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.result, Outcome::Result::Found);
    EXPECT_EQ(outcome.fingerprint, new_key.fingerprint());
    EXPECT_EQ(fingerprints(), std::vector<std::string>{new_key.fingerprint()});
}

TEST_F(DiscoveryTest, NothingFoundIsNotAskedAgainUntilTheNegativeCacheEnds) {
    settings_.negative_cache_minutes = 60;
    EXPECT_EQ(find("nobody@example.net").result, Outcome::Result::Nothing);
    auto questions = resolver_->asked.size();
    EXPECT_GT(questions, 0u);
    now_ += 59 * 60;
    EXPECT_EQ(find("nobody@example.net").result, Outcome::Result::NegativeCached);
    EXPECT_EQ(resolver_->asked.size(), questions);
    now_ += 60;
    EXPECT_EQ(find("nobody@example.net").result, Outcome::Result::Nothing);
    EXPECT_EQ(resolver_->asked.size(), 2 * questions);
}

TEST_F(DiscoveryTest, ATimeoutIsNoEvidenceOfNothing) {
    resolver_->answers[{"bob._pka.example.net", dns::RecordType::Txt}] =
        dns::Answer{.status = dns::Status::Timeout, .error = "no answer in time"};
    find("bob@example.net");
    auto questions = resolver_->asked.size();
    EXPECT_EQ(find("bob@example.net").result, Outcome::Result::Nothing);
    EXPECT_EQ(resolver_->asked.size(), 2 * questions);
}

TEST_F(DiscoveryTest, AKeyImportedByHandIsNeverTurnedIntoACachedOne) {
    ForeignKey bob("Bob <bob@example.net>");
    keys().import(bob.public_packets());
    store().set_enabled(bob.fingerprint(), false);
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    EXPECT_EQ(find("bob@example.net").result, Outcome::Result::Found);
    now_ += 100 * hour;
    discovery().sweep_expired();
    ASSERT_TRUE(record(bob.fingerprint()));
    EXPECT_EQ(record(bob.fingerprint())->cache_until, 0);
    EXPECT_EQ(record(bob.fingerprint())->origin, keystore::Origin::Imported);
}

}  // namespace
}  // namespace sealpost::discovery::testing
