// What each source accepts and refuses, with a fake resolver and fetcher: only the named key,
// only a key holding the address, only DNSSEC-secure DANE; the fetch pinned to our resolver's
// address; sources switchable and tried in order; a deadline in the past asks nobody.
#include "discovery_test_support.hpp"

namespace sealpost::discovery::testing {
namespace {

using keystore::Origin;

TEST_F(DiscoveryTest, APka1KeyIsImportedWithItsOrigin) {
    ForeignKey bob("Bob <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    auto outcome = find("Bob@Example.NET");
    EXPECT_EQ(outcome.result, Outcome::Result::Found);
    EXPECT_EQ(outcome.fingerprint, bob.fingerprint());
    ASSERT_TRUE(record(bob.fingerprint()));
    EXPECT_EQ(record(bob.fingerprint())->origin, Origin::Pka);
}

TEST_F(DiscoveryTest, TheFetchIsPinnedToOurResolversAddressAndBounded) {
    ForeignKey bob("Bob <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    settings_.max_key_bytes = 4096;
    find("bob@example.net");
    ASSERT_EQ(fetcher_->requests.size(), 1u);
    EXPECT_EQ(fetcher_->requests[0].pinned,
              std::vector<std::string>{"keys.example.net:80:192.0.2.7"});
    EXPECT_EQ(fetcher_->requests[0].max_bytes, 4096u);
    EXPECT_LE(fetcher_->requests[0].timeout,
              std::chrono::milliseconds(settings_.lookup_timeout_ms));
}

TEST_F(DiscoveryTest, AKeyOtherThanTheRecordNamesIsRefused) {
    ForeignKey bob("Bob <bob@example.net>");
    ForeignKey mallory("Mallory <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), mallory.public_packets());
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.result, Outcome::Result::Nothing);
    ASSERT_FALSE(outcome.attempts.empty());
    EXPECT_EQ(outcome.attempts[0].verdict, Verdict::Refused);
    EXPECT_NE(outcome.attempts[0].reason.find("fingerprint mismatch"), std::string::npos);
    EXPECT_TRUE(fingerprints().empty());
}

TEST_F(DiscoveryTest, AKeyWithoutTheAddressIsRefused) {
    ForeignKey other("Other <other@example.net>");
    publish_pka("bob@example.net", other.fingerprint(), other.public_packets());
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.attempts[0].verdict, Verdict::Refused);
    EXPECT_EQ(outcome.attempts[0].reason, "no user ID of the key holds bob@example.net");
    EXPECT_TRUE(fingerprints().empty());
}

TEST_F(DiscoveryTest, OnlyTheNamedKeyOfAResponseIsImported) {
    ForeignKey bob("Bob <bob@example.net>");
    ForeignKey extra("Extra <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(),
                extra.public_packets() + bob.public_packets());
    EXPECT_EQ(find("bob@example.net").result, Outcome::Result::Found);
    EXPECT_EQ(fingerprints(), std::vector<std::string>{bob.fingerprint()});
}

TEST_F(DiscoveryTest, AMalformedRecordIsRefusedWithoutAFetch) {
    resolver_->set("bob._pka.example.net", dns::RecordType::Txt, {"v=pka1;fpr=12;uri=http://k/"});
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.attempts[0].verdict, Verdict::Refused);
    EXPECT_TRUE(fetcher_->requests.empty());
}

TEST_F(DiscoveryTest, AFileUriIsRefusedWithoutAFetch) {
    ForeignKey bob("Bob <bob@example.net>");
    resolver_->set("bob._pka.example.net", dns::RecordType::Txt,
                   {"v=pka1;fpr=" + bob.fingerprint() + ";uri=file:///etc/passwd"});
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.attempts[0].verdict, Verdict::Refused);
    EXPECT_TRUE(fetcher_->requests.empty());
}

TEST_F(DiscoveryTest, WkdIsAskedAtTheAdvancedThenTheDirectUrl) {
    ForeignKey carol("Carol <carol@example.net>");
    resolver_->set("example.net", dns::RecordType::A, {"192.0.2.8"});
    fetcher_->bodies[wkd_direct_url({"carol", "example.net"}, 443)] = carol.public_packets();
    auto outcome = find("carol@example.net");
    EXPECT_EQ(outcome.result, Outcome::Result::Found);
    EXPECT_EQ(record(carol.fingerprint())->origin, Origin::Wkd);
    // openpgpkey.example.net has no address: no fetch there, only the direct one.
    ASSERT_EQ(fetcher_->requests.size(), 1u);
    EXPECT_EQ(fetcher_->requests[0].pinned, std::vector<std::string>{"example.net:443:192.0.2.8"});
}

TEST_F(DiscoveryTest, DaneIsUsedOnlyWhenSecure) {
    ForeignKey dave("Dave <dave@example.net>");
    publish_dane("dave@example.net", dave.public_packets(), dns::Security::Insecure);
    auto outcome = find("dave@example.net");
    EXPECT_EQ(outcome.attempts.back().source, Source::Dane);
    EXPECT_EQ(outcome.attempts.back().verdict, Verdict::Refused);
    EXPECT_TRUE(fingerprints().empty());

    misses_->forget("dave@example.net");
    publish_dane("dave@example.net", dave.public_packets(), dns::Security::Secure);
    EXPECT_EQ(find("dave@example.net").result, Outcome::Result::Found);
    EXPECT_EQ(record(dave.fingerprint())->origin, Origin::Dane);
}

TEST_F(DiscoveryTest, ABogusAnswerIsRefused) {
    resolver_->answers[{dane_owner_name({"dave", "example.net"}), dns::RecordType::OpenPgpKey}] =
        dns::Answer{.status = dns::Status::Failure,
                    .security = dns::Security::Bogus,
                    .why_bogus = "signature expired"};
    auto outcome = find("dave@example.net");
    EXPECT_EQ(outcome.attempts.back().verdict, Verdict::Refused);
    EXPECT_NE(outcome.attempts.back().reason.find("signature expired"), std::string::npos);
}

TEST_F(DiscoveryTest, SourcesAreSwitchableAndTriedInOrder) {
    settings_.pka = false;
    settings_.wkd = false;
    find("bob@example.net");
    for (const auto& question : resolver_->asked)
        EXPECT_EQ(question.find("_pka"), std::string::npos) << question;
    EXPECT_TRUE(fetcher_->requests.empty());
    EXPECT_EQ(resolver_->asked.size(), 1u);  // the OPENPGPKEY question only
}

TEST_F(DiscoveryTest, PkaFoundStopsTheSearch) {
    ForeignKey bob("Bob <bob@example.net>");
    publish_pka("bob@example.net", bob.fingerprint(), bob.public_packets());
    auto outcome = find("bob@example.net");
    EXPECT_EQ(outcome.attempts.size(), 1u);
}

TEST_F(DiscoveryTest, APassedDeadlineAsksNobody) {
    deadline_ = std::chrono::milliseconds(-1);
    auto outcome = find("bob@example.net");
    EXPECT_TRUE(resolver_->asked.empty());
    EXPECT_EQ(outcome.result, Outcome::Result::Nothing);
    ASSERT_EQ(outcome.attempts.size(), 1u);
    EXPECT_EQ(outcome.attempts[0].verdict, Verdict::Unavailable);
}

TEST_F(DiscoveryTest, NotAnAddressIsInvalidAndNeverThrows) {
    EXPECT_EQ(find("no address").result, Outcome::Result::Invalid);
    EXPECT_TRUE(resolver_->asked.empty());
}

}  // namespace
}  // namespace sealpost::discovery::testing
