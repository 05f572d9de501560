#include "smtp/server/codec.hpp"

#include <gtest/gtest.h>

namespace sealpost::smtp::server {

TEST(Base64, RoundTripsEveryLengthAndOctet) {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
        std::optional<std::string> decoded = decode_base64(encode_base64(bytes));
        ASSERT_TRUE(decoded.has_value()) << i;
        EXPECT_EQ(*decoded, bytes);
    }
}

TEST(Base64, KnownVectors) {
    // RFC 4648 §10.
    EXPECT_EQ(encode_base64(""), "");
    EXPECT_EQ(encode_base64("f"), "Zg==");
    EXPECT_EQ(encode_base64("fo"), "Zm8=");
    EXPECT_EQ(encode_base64("foo"), "Zm9v");
    EXPECT_EQ(encode_base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(decode_base64("AGFsaWNlAHNlY3JldA==").value(), std::string("\0alice\0secret", 13));
}

TEST(Base64, RefusesWhatIsNotStrictBase64) {
    for (const char* text :
         {"Zg", "Zg=", "Z===", "Zm9v YmFy", "Zm9v\r\n", "Zh==", "Zm9=", "=Zm9", "Zm=v", "Zm9v!"}) {
        EXPECT_FALSE(decode_base64(text).has_value()) << text;
    }
}

TEST(Xtext, DecodesHexPairsAndRefusesTheRest) {
    EXPECT_EQ(decode_xtext("mail.example.org").value(), "mail.example.org");
    EXPECT_EQ(decode_xtext("a+2Bb+3Dc").value(), "a+b=c");
    EXPECT_EQ(decode_xtext("+0D+0A").value(), "\r\n");  // decoded; callers check what comes out
    for (const char* text : {"a+", "a+2", "a+2b", "a+ZZ", "a b", "a=b", "\x80"}) {
        EXPECT_FALSE(decode_xtext(text).has_value()) << text;
    }
}

}  // namespace sealpost::smtp::server
