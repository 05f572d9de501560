// Messages written by mutt and checked with gpg (fixtures/README.md): what we read out of
// them must be exactly the bytes gpg verified or decrypted.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mime/build.hpp"
#include "mime/classify.hpp"
#include "mime/extract.hpp"
#include "mime/message.hpp"

namespace sealpost::mime {

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(SEALPOST_MIME_FIXTURES) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << name;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace

TEST(Mutt, SignedEntityIsExactlyWhatGpgVerified) {
    Message message = parse(fixture("mutt-signed.eml"));
    EXPECT_EQ(classify(message), Kind::PgpMimeSigned);
    auto parts = signed_parts(message);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->entity, fixture("mutt-signed.entity"));
    EXPECT_EQ(parts->signature, fixture("mutt-signed.sig"));
    EXPECT_EQ(parts->micalg, "pgp-sha256");
}

TEST(Mutt, EncryptedPayloadIsTheArmoredMessage) {
    Message message = parse(fixture("mutt-encrypted.eml"));
    EXPECT_EQ(classify(message), Kind::PgpMimeEncrypted);
    auto payload = encrypted_payload(message);
    ASSERT_TRUE(payload.has_value());
    EXPECT_TRUE(payload->starts_with("-----BEGIN PGP MESSAGE-----\r\n\r\nhF4D3R1swtGQx78S"));
    EXPECT_TRUE(payload->ends_with("=Clfc\r\n-----END PGP MESSAGE-----\r\n"));
}

TEST(Mutt, DecryptedEntityReplacesTheEncryptedBody) {
    Message message = parse(fixture("mutt-encrypted.eml"));
    Message plain = replace_body(message, fixture("mutt-encrypted.decrypted"));
    EXPECT_EQ(classify(plain), Kind::Plain);
    EXPECT_EQ(plain.subject(), "PGP/MIME encrypted by mutt");
    EXPECT_EQ(plain.header("Content-Transfer-Encoding"), "quoted-printable");
    EXPECT_TRUE(plain.serialize().ends_with("--=20\r\nAlice\r\n"));
    EXPECT_FALSE(plain.header("Content-Disposition").value_or("").starts_with("attachment"));
}

}  // namespace sealpost::mime
