// Public keys for auto-import: where they are looked for, and where not.
#include "mime/keys.hpp"

#include <gtest/gtest.h>

#include <string>

#include "fixtures.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

std::string key_block() {
    std::string block = text::to_crlf(fixtures::public_key);
    return block.substr(0, block.size() - 2);
}

std::string with_attachment(std::string_view headers, std::string_view content) {
    return fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=k\n\n--k\nContent-Type: text/plain\n\n"
        "My key is attached.\n--k\n" +
        std::string(headers) + "\n" + std::string(content) + "--k--\n");
}

}  // namespace

TEST(PublicKeyBlocks, ApplicationPgpKeysPart) {
    auto blocks = find_public_key_blocks(
        parse(with_attachment("Content-Type: application/pgp-keys; name=\"0xABCD.asc\"\n"
                              "Content-Disposition: attachment; filename=\"0xABCD.asc\"\n",
                              fixtures::public_key)));
    EXPECT_EQ(blocks, std::vector<std::string>{key_block()});
}

TEST(PublicKeyBlocks, AscAttachmentOfAnyType) {
    auto blocks = find_public_key_blocks(
        parse(with_attachment("Content-Type: application/octet-stream; name=\"key.ASC\"\n"
                              "Content-Disposition: attachment; filename=\"key.ASC\"\n",
                              fixtures::public_key)));
    EXPECT_EQ(blocks.size(), 1u);
}

TEST(PublicKeyBlocks, InlineInTheBodyText) {
    auto blocks = find_public_key_blocks(
        parse(fixtures::plain_text("Here it is:\n\n" + std::string(fixtures::public_key) +
                                   "\nand again\n" + std::string(fixtures::public_key))));
    EXPECT_EQ(blocks, (std::vector<std::string>{key_block(), key_block()}));
}

TEST(PublicKeyBlocks, BinaryKeyInApplicationPgpKeys) {
    auto blocks = find_public_key_blocks(parse(with_attachment(
        "Content-Type: application/pgp-keys\nContent-Transfer-Encoding: base64\n", "mDMEZg==\n")));
    EXPECT_EQ(blocks, std::vector<std::string>{std::string("\x98\x33\x04\x66", 4)});
}

TEST(PublicKeyBlocks, NotInOtherBinariesForwardedMessagesOrCiphertext) {
    EXPECT_TRUE(find_public_key_blocks(
                    parse(with_attachment("Content-Type: application/pdf; name=\"a.pdf\"\n",
                                          fixtures::public_key)))
                    .empty());
    EXPECT_TRUE(
        find_public_key_blocks(parse(with_attachment("Content-Type: message/rfc822\n",
                                                     "From: x@example.net\nSubject: fw\n\n" +
                                                         std::string(fixtures::public_key))))
            .empty());
    EXPECT_TRUE(find_public_key_blocks(parse(fixtures::plain_text())).empty());
}

}  // namespace sealpost::mime
