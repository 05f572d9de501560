// Where each method looks: z-base-32, the WKD hash and URLs, the PKA1 and DANE owner names,
// checked against the examples the specifications give.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "discovery/names.hpp"

namespace sealpost::discovery {
namespace {

TEST(ZBase32, EncodesBitsMostSignificantFirst) {
    EXPECT_EQ(zbase32(""), "");
    EXPECT_EQ(zbase32(std::string(1, '\0')), "yy");
    EXPECT_EQ(zbase32("\xff"), "9h");  // 11111 111(00)
    EXPECT_EQ(zbase32(std::string(5, '\xff')), "99999999");
}

// draft-koch-openpgp-webkey-service §3.1: "Joe.Doe@Example.ORG" hashes to this.
TEST(WkdHash, MatchesTheDraftsExample) {
    EXPECT_EQ(wkd_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
}

TEST(WkdUrl, AdvancedThenDirectWithThePortOnlyWhenNotDefault) {
    MailAddress joe{"joe.doe", "example.org"};
    EXPECT_EQ(wkd_advanced_url(joe, 443),
              "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/"
              "iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe");
    EXPECT_EQ(wkd_direct_url(joe, 8443),
              "https://example.org:8443/.well-known/openpgpkey/hu/"
              "iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe");
}

// RFC 7929 §3 example: hugh@example.com.
TEST(DaneName, MatchesTheRfcExample) {
    EXPECT_EQ(dane_owner_name({"hugh", "example.com"}),
              "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey.example.com");
}

TEST(PkaName, ReplacesTheAtSign) {
    EXPECT_EQ(pka_owner_name({"frank", "example.com"}), "frank._pka.example.com");
}

TEST(SplitAddress, AtTheLastAtSign) {
    auto parts = split_address("a@b@example.com");
    EXPECT_EQ(parts.local, "a@b");
    EXPECT_EQ(parts.domain, "example.com");
    EXPECT_THROW(split_address("no-at-sign"), Error);
    EXPECT_THROW(split_address("@example.com"), Error);
}

}  // namespace
}  // namespace sealpost::discovery
