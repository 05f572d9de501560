// z-base-32, the WKD hash, the RFC 7929 label, base64 and the HKP index against known values.
#include <gtest/gtest.h>

#include "http/keyserver/answers.hpp"
#include "http/keyserver/dns_records.hpp"
#include "http/keyserver/names.hpp"

namespace sealpost::keyserver {

TEST(ZBase32, EncodesTheWkdDraftExample) {
    // draft-koch-openpgp-webkey-service §3.1: "Joe.Doe" is hashed lower-cased.
    EXPECT_EQ(wkd_hash("Joe.Doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    EXPECT_EQ(wkd_hash("joe.doe"), "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
}

TEST(ZBase32, EncodesBitsMostSignificantFirst) {
    EXPECT_EQ(zbase32(""), "");
    EXPECT_EQ(zbase32(std::string(1, '\0')), "yy");
    EXPECT_EQ(zbase32("\xff"), "9h");  // 11111 111(00)
}

TEST(OpenpgpkeyLabel, MatchesRfc7929Example) {
    // RFC 7929 §3: "hugh" hashes to this 28-octet prefix.
    EXPECT_EQ(openpgpkey_label("hugh"), "c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6");
}

TEST(Base64, PadsAsRfc4648) {
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
}

TEST(HkpIndex, MachineReadableFormat) {
    ServedKey key;
    key.record.fingerprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    key.record.algorithm = "EDDSA";
    key.record.bits = 255;
    key.record.created = 1700000000;
    key.record.user_ids = {"Alice: Ü <alice@example.org>"};
    EXPECT_EQ(hkp_index({key}),
              "info:1:1\n"
              "pub:0123456789ABCDEF0123456789ABCDEF01234567:22:255:1700000000::\n"
              "uid:Alice%3A %C3%9C <alice@example.org>:1700000000::\n");
}

TEST(HttpDate, RoundTrips) {
    EXPECT_EQ(http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
    EXPECT_FALSE(parse_http_date("yesterday"));
}

TEST(QueryParameter, NamesAreCaseInsensitive) {
    EXPECT_EQ(query_parameter("VIEW=MDPGP&K=abc", "view"), "MDPGP");
    EXPECT_EQ(query_parameter("view=x&k=a%20b", "K"), "a b");
    EXPECT_FALSE(query_parameter("view=x", "k"));
}

}  // namespace sealpost::keyserver
