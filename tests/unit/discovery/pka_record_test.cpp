// PKA1 TXT records are read strictly: anything unexpected is a refusal that says why.
#include <gtest/gtest.h>

#include "discovery/pka_record.hpp"

namespace sealpost::discovery {
namespace {

const std::string fpr = "0123456789abcdef0123456789ABCDEF01234567";

std::string refusal(std::string_view text) {
    auto parsed = parse_pka_record(text);
    auto* why = std::get_if<std::string>(&parsed);
    return why ? *why : "accepted";
}

TEST(PkaRecord, ReadsTheManualsForm) {
    auto parsed = parse_pka_record("v=pka1; fpr=" + fpr + "; uri=http://wc.example.com/k");
    ASSERT_TRUE(std::holds_alternative<PkaRecord>(parsed)) << refusal("");
    auto& record = std::get<PkaRecord>(parsed);
    EXPECT_EQ(record.fingerprint, "0123456789ABCDEF0123456789ABCDEF01234567");
    EXPECT_EQ(record.uri, "http://wc.example.com/k");
}

TEST(PkaRecord, AllowsATrailingSemicolonAndA64DigitFingerprint) {
    auto parsed = parse_pka_record("v=pka1;fpr=" + fpr + fpr.substr(0, 24) + ";uri=https://k/;");
    EXPECT_TRUE(std::holds_alternative<PkaRecord>(parsed));
}

TEST(PkaRecord, RefusesWhatIsNotStrictlyPka1) {
    EXPECT_EQ(refusal("v=pka2;fpr=" + fpr + ";uri=http://k/"), "does not start with v=pka1");
    EXPECT_EQ(refusal("fpr=" + fpr + ";v=pka1;uri=http://k/"), "does not start with v=pka1");
    EXPECT_EQ(refusal("v=pka1;fpr=XYZ;uri=http://k/"), "fpr is not 40 or 64 hex digits");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr.substr(1) + ";uri=http://k/"),
              "fpr is not 40 or 64 hex digits");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr + ";fpr=" + fpr + ";uri=http://k/"), "fpr appears twice");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr + ";uri=http://k/;uri=http://j/"), "uri appears twice");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr + ";uri=http://k/;x=1"), "unknown field 'x'");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr + ";uri"), "field 'uri' has no '='");
    EXPECT_EQ(refusal("v=pka1;fpr=" + fpr), "no uri");
    EXPECT_EQ(refusal("v=pka1;uri=http://k/"), "no fpr");
    EXPECT_EQ(refusal(""), "does not start with v=pka1");
}

}  // namespace
}  // namespace sealpost::discovery
