// Canonical entities for signing: what is re-encoded, what is left byte for byte.
#include "mime/canonical.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "fixtures.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

TEST(QuotedPrintable, EncodesWhatTransportWouldMangle) {
    EXPECT_EQ(quoted_printable("plain\n"), "plain\r\n");
    EXPECT_EQ(quoted_printable("From here\nsome From there\n"),
              "=46rom here\r\nsome From there\r\n");
    EXPECT_EQ(quoted_printable("trailing \nand\ttab\t\n"), "trailing=20\r\nand\ttab=09\r\n");
    EXPECT_EQ(quoted_printable("a=b \xC3\xA9"), "a=3Db =C3=A9");
}

TEST(QuotedPrintable, BreaksLongLinesAt76Octets) {
    std::string encoded = quoted_printable(std::string(200, 'x') + "\n");
    text::Lines lines(encoded);
    std::string_view line;
    std::size_t start = 0;
    std::string joined;
    while (lines.next(line, start)) {
        EXPECT_LE(line.size(), 76u);
        joined += line.ends_with("=") ? line.substr(0, line.size() - 1) : line;
    }
    EXPECT_EQ(joined, std::string(200, 'x'));
}

TEST(SignableEntity, LeavesSafeContentByteForByte) {
    Message message = parse(fixtures::pgp_mime_signed());
    std::string entity = signable_entity(message);
    EXPECT_TRUE(text::is_crlf(entity));
    EXPECT_NE(entity.find("\r\n\r\nSigned text.\r\n\r\n--sig-b0undary\r\n"), std::string::npos);
}

TEST(SignableEntity, InPiecesTheBodyIsAViewIntoTheMessage) {
    Message message = parse(fixtures::pgp_mime_signed());
    SignableEntity entity = signable_entity_pieces(message);
    EXPECT_EQ(entity.head + std::string(entity.body), signable_entity(message));
    EXPECT_FALSE(entity.body.empty());
}

TEST(SignableEntity, InPiecesAReencodedEntityIsAllInTheHead) {
    Message message = parse(fixtures::with_envelope(
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "Gr\xC3\xBC\xC3\x9F"
        "e   \n"));
    SignableEntity entity = signable_entity_pieces(message);
    EXPECT_TRUE(entity.body.empty());
    EXPECT_EQ(entity.head, signable_entity(message));
    EXPECT_NE(entity.head.find("quoted-printable"), std::string::npos);
}

TEST(SignableEntity, ReencodesEightBitTrailingSpaceAndFromLines) {
    Message message = parse(fixtures::plain_text("Grüße\nFrom me \n"));
    std::string entity = signable_entity(message);
    EXPECT_TRUE(entity.starts_with("Content-Type: text/plain; charset=utf-8\r\n"));
    EXPECT_NE(entity.find("Content-Transfer-Encoding: quoted-printable\r\n"), std::string::npos);
    EXPECT_NE(entity.find("\r\n\r\nGr=C3=BC=C3=9Fe\r\n=46rom me=20\r\n"), std::string::npos);
    EXPECT_EQ(entity.find("8bit"), std::string::npos);
    for (char c : entity) {
        EXPECT_LT(static_cast<unsigned char>(c), 128);
    }
}

TEST(SignableEntity, NeverTouchesSomeoneElsesSignedPart) {
    std::string raw = fixtures::pgp_mime_signed();
    raw.replace(raw.find("Signed text."), 12, "Gr\xC3\xBC\xC3\x9F\x65 trailing  ");
    Message message = parse(raw);
    std::string entity = signable_entity(message);
    EXPECT_NE(entity.find("Gr\xC3\xBC\xC3\x9F\x65 trailing  \r\n"), std::string::npos);
    std::string body = text::to_crlf(raw);
    EXPECT_TRUE(body.ends_with(entity.substr(entity.find("\r\n\r\n"))));
}

TEST(SignableEntity, BinaryAttachmentsBecomeBase64) {
    Message message = parse(fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nhi\n"
        "--m\nContent-Type: application/octet-stream\n\n\x01\xfe\xff\n--m--\n"));
    std::string entity = signable_entity(message);
    EXPECT_NE(entity.find("Content-Transfer-Encoding: base64\r\n\r\nAf7/"), std::string::npos)
        << entity;
    EXPECT_NE(entity.find("\r\n\r\nhi\r\n"), std::string::npos);
}

TEST(SignableEntity, OverlongBase64LinesAreWrappedAgain) {
    std::string one_line(3000, 'Q');
    Message message = parse(fixtures::with_envelope(
        "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n" + one_line +
        "\n"));
    std::string entity = signable_entity(message);
    text::Lines lines(entity);
    std::string_view line;
    std::size_t start = 0;
    while (lines.next(line, start)) {
        EXPECT_LE(line.size(), 76u);
    }
    EXPECT_NE(entity.find("\r\n\r\nQQQQ"), std::string::npos);
}

TEST(TextEntity, SevenBitOrQuotedPrintable) {
    EXPECT_EQ(text_entity("hello\n", "us-ascii"),
              "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
              "Content-Transfer-Encoding: 7bit\r\n\r\nhello\r\n");
    EXPECT_NE(text_entity("é").find("quoted-printable\r\n\r\n=C3=A9"), std::string::npos);
    EXPECT_THROW(text_entity("x", "utf-8\"; boundary=\"x"), Error);
}

}  // namespace sealpost::mime
