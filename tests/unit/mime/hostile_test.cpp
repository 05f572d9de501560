// Hostile input (issue 3, "What it must show" 3): each case is refused with LimitExceeded or
// parsed into something harmless, in bounded time and memory, and never crashes. The inputs
// are generated in memory.
#include <gtest/gtest.h>

#include <string>

#include "common/error.hpp"
#include "fixtures.hpp"
#include "mime/canonical.hpp"
#include "mime/classify.hpp"
#include "mime/extract.hpp"
#include "mime/keys.hpp"
#include "mime/message.hpp"

namespace sealpost::mime {

namespace {

// The message of the error parse() refuses `raw` with, or "" when it parses.
std::string refusal(const std::string& raw, const Limits& limits = {}) {
    try {
        parse(raw, limits);
    } catch (const Error& error) {
        EXPECT_TRUE(error.kind() == ErrorKind::LimitExceeded || error.kind() == ErrorKind::BadInput)
            << error.what();
        return error.what();
    }
    return "";
}

std::string nested_multiparts(int depth, std::string_view innermost = "hello\n") {
    std::string raw = "From: a@example.com\nSubject: deep\n";
    for (int i = 0; i < depth; ++i) {
        std::string boundary = "b" + std::to_string(i);
        raw += "Content-Type: multipart/mixed; boundary=" + boundary + "\n\n--" + boundary + "\n";
    }
    return raw + "Content-Type: text/plain\n\n" + std::string(innermost);
}

// Everything the pipeline would do with a received message.
void use_everything(const Message& message) {
    classify(message);
    is_auto_reply(message);
    has_nested_pgp_mime(message);
    inline_blocks(message);
    find_public_key_blocks(message);
    signable_entity(message);
    message.serialize();
    try {
        encrypted_payload(message);
        signed_parts(message);
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::BadInput);
    }
}

}  // namespace

TEST(Hostile, ThousandDeepNestingIsRefusedNamingMaxDepth) {
    EXPECT_NE(refusal(nested_multiparts(1000)).find("max_depth"), std::string::npos);
    EXPECT_EQ(refusal(nested_multiparts(60)), "");
}

TEST(Hostile, HundredThousandDeepNestingIsRefusedBeforeGMime) {
    EXPECT_NE(refusal(nested_multiparts(100000)), "");
}

TEST(Hostile, DeepNestingFollowedByManyDashLinesIsRefusedBeforeGMime) {
    // GMime compares each "--" line with every open boundary: 1,000 levels × 1,000,000 lines
    // takes it about a minute.
    std::string dashes;
    for (int i = 0; i < 1000000; ++i) {
        dashes += "--zzzzzzzzzzzzzzzz\n";
    }
    EXPECT_NE(refusal(nested_multiparts(1000, dashes)).find("max_boundary_work"),
              std::string::npos);
}

TEST(Hostile, HundredMegabyteHeaderIsRefusedBeforeGMime) {
    std::string raw = "From: a@example.com\nX-Big: " + std::string(100u << 20, 'a') + "\n\nbody\n";
    EXPECT_NE(refusal(raw).find("max_header_bytes"), std::string::npos);
}

TEST(Hostile, HundredMegabytesOfSmallFieldsInAPartAreRefused) {
    std::string raw = fixtures::with_envelope("Content-Type: multipart/mixed; boundary=b\n\n--b\n");
    std::string field = "X-A: 12345\n";
    raw.reserve(raw.size() + (100u << 20));
    while (raw.size() < (100u << 20)) {
        raw += field;
    }
    raw += "\nbody\n--b--\n";
    EXPECT_NE(refusal(raw).find("max_header_bytes"), std::string::npos);
}

TEST(Hostile, ManyEmptyPartsAreRefusedNamingMaxParts) {
    std::string raw = fixtures::with_envelope("Content-Type: multipart/mixed; boundary=b\n\n");
    for (int i = 0; i < 100000; ++i) {
        raw += "--b\n\n";
    }
    EXPECT_NE(refusal(raw).find("max_parts"), std::string::npos);
}

TEST(Hostile, NestedMessagesCountTowardsTheDepth) {
    std::string raw;
    for (int i = 0; i < 200; ++i) {
        raw += "Subject: level " + std::to_string(i) + "\nContent-Type: message/rfc822\n\n";
    }
    raw += "Subject: bottom\n\nhello\n";
    EXPECT_NE(refusal(raw).find("max_depth"), std::string::npos);
}

TEST(Hostile, MalformedBoundariesParseAsPlainOrAreRefused) {
    constexpr char nul_in_headers[] = "Content-Type: multipart/mixed; boundary=b\n\n--b\n\0\xfe\n";
    constexpr char nul_in_body[] =
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n\0\xfe\n--b--\n";
    const std::string cases[] = {
        "Content-Type: multipart/mixed\n\n--\n\nno boundary parameter\n--\n",
        "Content-Type: multipart/mixed; boundary=\"\"\n\n--\n\nempty boundary\n----\n",
        "Content-Type: multipart/mixed; boundary=never\n\n--other\n\ntext\n",
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nopen",
        "Content-Type: multipart/mixed; boundary=b\n\n--b--\n--b\n\nafter the end\n",
        "Content-Type: multipart/mixed; boundary=\"b\n\n--b\n\nunterminated quote\n--b--\n",
        "Content-Type: multipart/mixed; boundary*0=\"a\"; boundary*1=\"b\"\n\n--ab\n\nx\n--ab--\n",
        "Content-Type: multipart/signed; protocol=\"application/pgp-signature\"; boundary=s\n\n"
        "--s\n\nonly one part\n--s--\n",
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"\n\n--\n",
        "Content-Type: multipart/mixed; boundary=" + std::string(5000, 'x') + "\n\n--" +
            std::string(5000, 'x') + "\n\nlong boundary\n",
        std::string(nul_in_headers, sizeof nul_in_headers - 1),
        std::string(nul_in_body, sizeof nul_in_body - 1),
    };
    for (const std::string& body : cases) {
        std::string raw = fixtures::with_envelope(body);
        if (refusal(raw).empty()) {
            Message message = parse(raw);
            use_everything(message);
            Kind kind = classify(message);
            EXPECT_TRUE(kind == Kind::Plain || kind == Kind::PgpMimeSigned ||
                        kind == Kind::PgpMimeEncrypted)
                << to_string(kind);
        }
    }
}

// GMime would cut the field at the NUL and run it into the next one when writing it out,
// turning "MIME-Version: 1.<NUL>" + "Content-Type: multipart/signed" into one field.
TEST(Hostile, NulInAHeaderBlockIsRefused) {
    constexpr char raw[] = "Subject: a\nMIME-Version: 1.\0\0x\nContent-Type: text/plain\n\nhi\n";
    try {
        parse(std::string(raw, sizeof raw - 1));
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::BadInput);
    }
    constexpr char in_body[] = "Subject: a\n\nNUL \0 in a body is left to the transport\n";
    EXPECT_NO_THROW(parse(std::string(in_body, sizeof in_body - 1)));
}

TEST(Hostile, GarbageBytesNeverCrash) {
    std::string raw = "Subject: x\n\n";
    for (int i = 0; i < 4096; ++i) {
        raw += static_cast<char>((i * 7919) % 256);
    }
    use_everything(parse(raw));
}

}  // namespace sealpost::mime
