#include "mime/scrub.hpp"

#include <gtest/gtest.h>

namespace sealpost::mime {

TEST(RawHeaderScrub, RemovesOwnedFieldsWithTheirFoldedLines) {
    std::string raw =
        "From: a@x.test\r\nX-Sealpost-Signature: good;\r\n signer=FORGED\r\n"
        "x-sealpost-decrypted : yes\r\nSubject: hi\r\n\r\nX-Sealpost-Signature: in body\r\n";
    EXPECT_EQ(remove_raw_headers_with_prefix(raw, "X-Sealpost-"),
              "From: a@x.test\r\nSubject: hi\r\n\r\nX-Sealpost-Signature: in body\r\n");
}

TEST(RawHeaderScrub, LeavesOtherMessagesByteForByte) {
    std::string raw = "From: a@x.test\nSubject: hi\n\nbody\n";
    EXPECT_EQ(remove_raw_headers_with_prefix(raw, "X-Sealpost-"), raw);
}

TEST(RawHeaderScrub, HeaderOnlyMessage) {
    EXPECT_EQ(remove_raw_headers_with_prefix("X-Sealpost-A: 1\nB: 2", "X-Sealpost-"), "B: 2");
}

}  // namespace sealpost::mime
