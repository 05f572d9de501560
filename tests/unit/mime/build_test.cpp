// Building PGP/MIME: what is signed is what a client extracts after transport; the
// decrypted entity replacing the body without letting its own header fields through.
#include "mime/build.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "fixtures.hpp"
#include "mime/canonical.hpp"
#include "mime/classify.hpp"
#include "mime/extract.hpp"
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

std::string multipart_mixed() {
    return fixtures::with_envelope(
        "Content-Type: multipart/mixed; boundary=\"mix\"\n\n"
        "--mix\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "Grüße,\nFrom the team   \n"
        "--mix\nContent-Type: application/octet-stream; name=\"blob.bin\"\n"
        "Content-Disposition: attachment; filename=\"blob.bin\"\n\n"
        "\x01\x02\xff binary\n"
        "--mix--\n");
}

}  // namespace

// What a client verifies (RFC 3156 §5: the first part as transmitted, CRLF) is exactly what
// was signed, after a full serialize and parse as a relay would do.
TEST(BuildSigned, EntityExtractedAfterTransportIsByteIdenticalToWhatWasSigned) {
    for (const std::string& raw : {fixtures::plain_text("Grüße\nFrom me \n"), multipart_mixed(),
                                   fixtures::pgp_mime_signed()}) {
        Message original = parse(raw);
        std::string entity = signable_entity(original);
        Message built = build_signed(original, entity, fixtures::pgp_signature, "pgp-sha256");

        Message received = parse(built.serialize(Newline::Lf));
        EXPECT_EQ(classify(received), Kind::PgpMimeSigned);
        auto parts = signed_parts(received);
        ASSERT_TRUE(parts.has_value());
        EXPECT_EQ(parts->entity, entity);
        EXPECT_EQ(parts->signature, as_part_content(fixtures::pgp_signature));
        EXPECT_EQ(parts->micalg, "pgp-sha256");
    }
}

TEST(BuildSigned, KeepsTheOriginalsHeaderFieldsAndReplacesTheContentOnes) {
    Message original = parse(fixtures::plain_text());
    Message built =
        build_signed(original, signable_entity(original), fixtures::pgp_signature, "pgp-sha512");
    EXPECT_EQ(built.subject(), "Quarterly figures");
    EXPECT_EQ(built.from(), original.from());
    EXPECT_EQ(built.headers("Received").size(), 1u);
    EXPECT_EQ(built.headers("MIME-Version"), std::vector<std::string>{"1.0"});
    std::string type = built.header("Content-Type").value_or("");
    EXPECT_NE(type.find("multipart/signed"), std::string::npos);
    EXPECT_NE(type.find("protocol=\"application/pgp-signature\""), std::string::npos);
    EXPECT_NE(type.find("micalg=\"pgp-sha512\""), std::string::npos);
}

TEST(BuildSigned, RefusesWhatWouldNotVerify) {
    Message original = parse(fixtures::plain_text());
    std::string entity = signable_entity(original);
    EXPECT_THROW(build_signed(original, text::to_lf(entity), fixtures::pgp_signature, "pgp-sha256"),
                 Error);
    EXPECT_THROW(build_signed(original, entity, fixtures::pgp_signature, "sha256\r\nX: y"), Error);
    EXPECT_THROW(build_signed(original, entity, "\x88\x01binary", "pgp-sha256"), Error);
}

TEST(BuildEncrypted, WritesRfc3156Section4AndReadsBack) {
    Message original = parse(fixtures::plain_text());
    Message built = build_encrypted(original, fixtures::pgp_message);
    Message received = parse(built.serialize());
    EXPECT_EQ(classify(received), Kind::PgpMimeEncrypted);
    EXPECT_EQ(encrypted_payload(received), as_part_content(fixtures::pgp_message));
    std::string written = built.serialize();
    EXPECT_NE(written.find("Content-Type: application/pgp-encrypted\r\n"), std::string::npos);
    EXPECT_NE(written.find("\r\nVersion: 1\r\n"), std::string::npos);
    EXPECT_EQ(received.to(), original.to());
    EXPECT_THROW(build_encrypted(original, "not armor"), Error);
}

TEST(BuildEncrypted, TheFrameAroundAStreamedCiphertextIsTheSameMessage) {
    Message original = parse(fixtures::plain_text());
    EncryptedFrame frame = encrypted_frame(original);
    std::string streamed = frame.open(fixtures::pgp_message.size());
    EXPECT_GE(streamed.capacity(), streamed.size() + fixtures::pgp_message.size() * 4 / 3);
    CrlfAppender append(streamed);
    // Armor in LF lines, arriving in chunks that split lines anywhere.
    std::string armor(fixtures::pgp_message);
    for (std::size_t at = 0; at < armor.size(); at += 7) {
        append(std::string_view(armor).substr(at, 7));
    }
    frame.close(streamed);
    Message received = parse(streamed);
    EXPECT_EQ(classify(received), Kind::PgpMimeEncrypted);
    EXPECT_EQ(encrypted_payload(received), as_part_content(fixtures::pgp_message));
    EXPECT_EQ(received.to(), original.to());
}

TEST(BuildEncrypted, CrlfAppenderKeepsAPairSplitBetweenChunks) {
    std::string out;
    CrlfAppender append(out);
    for (std::string_view chunk : {"a\r", "\nb\n", "\n", "c\r\nd", "\r", "\n"}) {
        append(chunk);
    }
    EXPECT_EQ(out, "a\r\nb\r\n\r\nc\r\nd\r\n");
}

TEST(BuildSigned, EntityInPiecesGivesTheSameMessageShape) {
    Message original = parse(fixtures::plain_text());
    SignableEntity entity = signable_entity_pieces(original);
    auto pieces = entity.pieces();
    std::string joined = signable_entity(original);
    Message received =
        parse(signed_message(original, pieces, fixtures::pgp_signature, "pgp-sha256"));
    auto parts = signed_parts(received);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->entity, joined);
    std::string_view bad[] = {"Content-Type: text/plain\r\n\r\n", "bare\nline"};
    EXPECT_THROW(signed_message(original, bad, fixtures::pgp_signature, "pgp-sha256"), Error);
}

TEST(ReplaceBody, DecryptedEntityBecomesTheBody) {
    Message original = parse(fixtures::with_envelope(fixtures::pgp_mime_encrypted()));
    std::string entity =
        "Content-Type: multipart/mixed; boundary=\"in\"\n\n--in\nContent-Type: text/plain\n\n"
        "secret\n--in--\n";
    Message result = replace_body(original, entity);
    EXPECT_EQ(result.subject(), "Quarterly figures");
    EXPECT_EQ(result.header("Content-Type"), "multipart/mixed; boundary=\"in\"");
    EXPECT_EQ(classify(result), Kind::Plain);
    EXPECT_TRUE(result.serialize().ends_with(crlf(entity.substr(entity.find("\n\n") + 1))));
}

TEST(ReplaceBody, InPlaceGivesTheSameMessageAndReleasesItsBytesWithEdits) {
    Message original = parse(fixtures::with_envelope(fixtures::pgp_mime_encrypted()));
    std::string entity =
        crlf("Content-Type: text/plain; charset=utf-8\nX-Sealpost-Signature: good\n\nHello.\n");
    std::string expected = replace_body(original, entity).serialize();
    std::string moved = entity;
    moved.reserve(4096);
    Message result = replace_body_in_place(original, std::move(moved));
    EXPECT_EQ(result.serialize(), expected);
    result.set_header("X-Sealpost-Decrypted", "yes");
    std::string edited = result.serialize();
    EXPECT_NE(edited.find("X-Sealpost-Decrypted: yes\r\n"), std::string::npos);
    EXPECT_EQ(std::move(result).release(), edited);
    // A message parsed from a view has nothing to give up: release() is serialize().
    Message viewed = parse(expected);
    EXPECT_EQ(std::move(viewed).release(), expected);
}

// The bytes without a parse are byte for byte what the parsed message with the same fields
// set would release, a long, non-ASCII value included; the prescan still holds the limits.
TEST(ReplaceBody, BytesAreWhatTheParsedMessageWithTheFieldsReleases) {
    std::string raw = fixtures::with_envelope(fixtures::pgp_mime_encrypted());
    raw.replace(raw.find("Subject: Quarterly figures"), 26, "Subject: ...");
    Message original = parse(raw);
    const std::string long_value = "good; signer=" + std::string(120, 'F') + " and more words";
    const Field fields[] = {{"X-Sealpost-Decrypted", "yes (key ABCDEF)"},
                            {"X-Sealpost-Signature", long_value},
                            {"X-Note", "Grüße aus Köln"}};
    for (std::string entity : {crlf("Content-Type: text/plain; charset=utf-8\n\nHello.\n"),
                               std::string("Content-Type: text/plain; protected-headers=\"v1\"\n"
                                           "Subject: The real subject\nX-Sealpost-Signature: "
                                           "forged\n\nhello\n")}) {
        Message expected = replace_body(original, entity);
        for (const Field& field : fields) {
            expected.set_header(field.name, field.value);
        }
        std::string copy = entity;
        EXPECT_EQ(replace_body_bytes(original, std::move(copy), fields),
                  std::move(expected).release());
    }
    Limits tight;
    tight.max_depth = 2;
    EXPECT_THROW(replace_body_bytes(original,
                                    crlf("Content-Type: multipart/mixed; boundary=a\n\n--a\n"
                                         "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                                         "Content-Type: text/plain\n\nx\n--b--\n--a--\n"),
                                    fields, tight),
                 Error);
    // Parts of message/* bodies start at no boundary line; the bound counts them all the same.
    Limits few_parts;
    few_parts.max_parts = 2;
    EXPECT_THROW(replace_body_bytes(original,
                                    crlf("Content-Type: message/rfc822\n\nContent-Type: "
                                         "message/rfc822\n\nContent-Type: text/plain\n\nx\n"),
                                    fields, few_parts),
                 Error);
    // A field the original has already is replaced, not repeated.
    const Field again[] = {{"Subject", "Replaced"}, {"x-mailer", "none"}};
    Message with_mailer = parse(std::string("X-Mailer: old\r\n") + raw);
    std::string replaced =
        replace_body_bytes(with_mailer, crlf("Content-Type: text/plain\n\nx\n"), again);
    EXPECT_EQ(parse(replaced).headers("X-Mailer"), std::vector<std::string>{"none"});
    EXPECT_EQ(parse(replaced).subject(), "Replaced");
    const Field bad[] = {{"Content-Type", "text/html"}};
    EXPECT_THROW(replace_body_bytes(original, crlf("Content-Type: text/plain\n\nx\n"), bad), Error);
}

TEST(ReplaceBody, FieldsOtherThanContentFromInsideAreDropped) {
    Message original = parse(fixtures::with_envelope(fixtures::pgp_mime_encrypted()));
    Message result = replace_body(original,
                                  "Content-Type: text/plain\nX-Sealpost-Verified: good\n"
                                  "From: ceo@example.com\nSubject: Forged\n\nhello\n");
    EXPECT_FALSE(result.header("X-Sealpost-Verified").has_value());
    EXPECT_EQ(result.from(), std::vector<std::string>{"frank@example.com"});
    EXPECT_EQ(result.subject(), "Quarterly figures");
}

TEST(ReplaceBody, ProtectedHeadersSubjectReplacesThePlaceholder) {
    std::string raw = fixtures::with_envelope(fixtures::pgp_mime_encrypted());
    raw.replace(raw.find("Subject: Quarterly figures"), 26, "Subject: ...");
    Message result = replace_body(parse(raw),
                                  "Content-Type: text/plain; protected-headers=\"v1\"\n"
                                  "Subject: The real subject\nFrom: ceo@example.com\n\nhello\n");
    EXPECT_EQ(result.subject(), "The real subject");
    EXPECT_EQ(result.from(), std::vector<std::string>{"frank@example.com"});
}

TEST(ReplaceBody, PlaintextFromAnInlineBlockGoesInAsATextEntity) {
    Message original = parse(fixtures::plain_text(fixtures::pgp_message));
    Message result = replace_body(original, text_entity("Grüße\n", "utf-8"));
    EXPECT_EQ(classify(result), Kind::Plain);
    EXPECT_TRUE(result.serialize().ends_with("Gr=C3=BC=C3=9Fe\r\n"));
    EXPECT_THROW(replace_body(original, "no header here\n\nbody\n"), Error);
}

}  // namespace sealpost::mime
