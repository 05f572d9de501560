// Each Kind, PGP/MIME counting only at the top level, auto-replies and resent mail.
#include "mime/classify.hpp"

#include <gtest/gtest.h>

#include <string>

#include "fixtures.hpp"

namespace sealpost::mime {

namespace {

Kind kind_of(const std::string& raw) {
    return classify(parse(raw));
}

std::string mixed(std::string_view inner_entity) {
    return fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
        "--outer\n"
        "Content-Type: text/html\n\n"
        "<img src=\"http://attacker.example/\n"
        "--outer\n" +
        std::string(inner_entity) +
        "\n--outer\n"
        "Content-Type: text/html\n\n"
        "\">\n"
        "--outer--\n");
}

}  // namespace

TEST(Classify, PlainText) {
    EXPECT_EQ(kind_of(fixtures::plain_text()), Kind::Plain);
    EXPECT_STREQ(to_string(Kind::Plain), "plain");
}

TEST(Classify, PgpMimeEncrypted) {
    EXPECT_EQ(kind_of(fixtures::with_envelope(fixtures::pgp_mime_encrypted())),
              Kind::PgpMimeEncrypted);
}

TEST(Classify, PgpMimeSigned) {
    EXPECT_EQ(kind_of(fixtures::pgp_mime_signed()), Kind::PgpMimeSigned);
}

TEST(Classify, ProtocolParameterDecidesNotJustTheSubtype) {
    std::string smime = fixtures::with_envelope(
        "Content-Type: multipart/signed; protocol=\"application/pkcs7-signature\";"
        " micalg=sha-256; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b\n"
        "Content-Type: application/pkcs7-signature\n\nAAAA\n--b--\n");
    EXPECT_EQ(kind_of(smime), Kind::Plain);
}

TEST(Classify, InlineEncrypted) {
    EXPECT_EQ(kind_of(fixtures::plain_text(fixtures::pgp_message)), Kind::InlineEncrypted);
}

TEST(Classify, InlineSignedCleartext) {
    std::string body = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nHello\n" +
                       std::string(fixtures::pgp_signature);
    EXPECT_EQ(kind_of(fixtures::plain_text(body)), Kind::InlineSigned);
}

TEST(Classify, InlineBlockInsideAMultipartCounts) {
    std::string raw = fixtures::with_envelope(
        "Content-Type: multipart/alternative; boundary=alt\n\n--alt\n"
        "Content-Type: text/plain\n\n" +
        std::string(fixtures::pgp_message) +
        "--alt\nContent-Type: text/html\n\n<p>x</p>\n--alt--\n");
    EXPECT_EQ(kind_of(raw), Kind::InlineEncrypted);
}

TEST(Classify, QuotedOrAttachedBlocksDoNotCount) {
    EXPECT_EQ(kind_of(fixtures::plain_text("> -----BEGIN PGP MESSAGE-----\n> x\n"
                                           "> -----END PGP MESSAGE-----\n")),
              Kind::Plain);
    std::string attached = fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=m\n\n--m\nContent-Type: text/plain\n\nhi\n"
        "--m\nContent-Type: text/plain; name=\"old.txt\"\n"
        "Content-Disposition: attachment; filename=\"old.txt\"\n\n" +
        std::string(fixtures::pgp_message) + "--m--\n");
    EXPECT_EQ(kind_of(attached), Kind::Plain);
}

TEST(Classify, NestedPgpMimeLeavesTheMessagePlain) {
    Message message = parse(mixed(fixtures::pgp_mime_encrypted("inner")));
    EXPECT_EQ(classify(message), Kind::Plain);
    EXPECT_TRUE(has_nested_pgp_mime(message));
    EXPECT_FALSE(
        has_nested_pgp_mime(parse(fixtures::with_envelope(fixtures::pgp_mime_encrypted()))));
}

TEST(Classify, AutoReplies) {
    auto with = [](std::string_view field) {
        return parse(std::string(field) + "\n" + fixtures::plain_text());
    };
    EXPECT_TRUE(is_auto_reply(with("Auto-Submitted: auto-replied")));
    EXPECT_TRUE(is_auto_reply(with("Auto-Submitted: auto-generated; owner-email=x@y")));
    EXPECT_FALSE(is_auto_reply(with("Auto-Submitted: no")));
    EXPECT_FALSE(is_auto_reply(with("Auto-Submitted: No (comment)")));
    EXPECT_TRUE(is_auto_reply(with("X-Autoreply: yes")));
    EXPECT_TRUE(is_auto_reply(with("X-Autorespond: on vacation")));
    EXPECT_FALSE(is_auto_reply(with("Precedence: bulk")));
    EXPECT_FALSE(is_auto_reply(parse(fixtures::plain_text())));
}

TEST(Classify, ForwardedMeansResentFields) {
    EXPECT_TRUE(is_forwarded(parse("Resent-From: fwd@example.com\n" + fixtures::plain_text())));
    EXPECT_TRUE(is_forwarded(parse("Resent-Sender: fwd@example.com\n" + fixtures::plain_text())));
    EXPECT_FALSE(is_forwarded(parse(fixtures::plain_text())));
}

}  // namespace sealpost::mime
