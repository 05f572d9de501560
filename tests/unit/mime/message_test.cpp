// Message: header fields, addresses, Subject, and serializing with the body kept byte for byte.
#include "mime/message.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "fixtures.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

Message plain() {
    return parse(fixtures::plain_text());
}

}  // namespace

TEST(Message, ReadsHeaderFieldsIgnoringCase) {
    Message message = plain();
    EXPECT_EQ(message.header("subject"), "Quarterly figures");
    EXPECT_EQ(message.header("CONTENT-TYPE"), "text/plain; charset=utf-8");
    EXPECT_EQ(message.headers("Received").size(), 1u);
    EXPECT_FALSE(message.header("X-Missing").has_value());
}

TEST(Message, AddressesAreLowerCasedAddrSpecsWithGroupsFlattened) {
    Message message = plain();
    EXPECT_EQ(message.from(), std::vector<std::string>{"frank@example.com"});
    EXPECT_EQ(message.to(), (std::vector<std::string>{"ann@example.org", "bob@example.org"}));
    EXPECT_EQ(message.cc(), (std::vector<std::string>{"carol@example.org", "dave@example.org"}));
    EXPECT_EQ(message.message_id(), "20240101100000.42@example.com");
}

TEST(Message, SubjectIsDecodedAndEncodedAgainOnWrite) {
    Message message = parse("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?= --pgpe\n\nbody\n");
    EXPECT_EQ(message.subject(), "Grüße --pgpe");
    message.set_subject("Grüße");
    EXPECT_EQ(message.subject(), "Grüße");
    std::string written = message.serialize();
    EXPECT_EQ(written.find("Grüße"), std::string::npos) << "non-ASCII must be RFC 2047-encoded";
    EXPECT_EQ(parse(written).subject(), "Grüße");
}

TEST(Message, SetReplacesEveryFieldOfThatName) {
    Message message = parse("X-Tag: one\nX-Tag: two\nSubject: s\n\nbody\n");
    message.set_header("x-tag", "three");
    EXPECT_EQ(message.headers("X-Tag"), std::vector<std::string>{"three"});
    message.add_header("X-Tag", "four");
    EXPECT_EQ(message.headers("X-Tag"), (std::vector<std::string>{"three", "four"}));
    EXPECT_EQ(message.remove_header("X-TAG"), 2u);
    EXPECT_TRUE(message.headers("X-Tag").empty());
}

TEST(Message, RemovesEveryFieldWithAPrefix) {
    Message message = parse(
        "X-Sealpost-Verified: good\nSubject: s\nx-sealpost-decrypted: yes\n"
        "X-Sealpostal: kept\n\nbody\n");
    EXPECT_EQ(message.remove_headers_with_prefix("X-Sealpost-"), 2u);
    EXPECT_FALSE(message.header("X-Sealpost-Verified").has_value());
    EXPECT_EQ(message.header("X-Sealpostal"), "kept");
    EXPECT_EQ(message.serialize().find("sealpost-"), std::string::npos);
}

TEST(Message, WhiteSpaceBeforeTheColonDoesNotHideAField) {
    Message message = parse("Subject: s\nX-Sealpost-Verified : good\nX-Other\t: v\n\nbody\n");
    EXPECT_EQ(message.header("X-Other"), "v");
    EXPECT_EQ(message.remove_headers_with_prefix("x-sealpost-"), 1u);
    EXPECT_EQ(message.serialize(), "Subject: s\r\nX-Other\t: v\r\n\r\nbody\r\n");
}

TEST(Message, RefusesContentFieldsAndLineBreaksInValues) {
    Message message = plain();
    EXPECT_THROW(message.set_header("Content-Type", "text/html"), Error);
    EXPECT_THROW(message.remove_header("content-transfer-encoding"), Error);
    EXPECT_THROW(message.set_header("X-Injected", "a\r\nBcc: eve@example.net"), Error);
    EXPECT_THROW(message.set_header("Bad Name", "v"), Error);
    EXPECT_THROW(message.remove_headers_with_prefix(""), Error);
    EXPECT_EQ(message.header("Content-Type"), "text/plain; charset=utf-8");
}

TEST(Message, SerializeKeepsAnUneditedMessageByteForByte) {
    std::string raw = text::to_crlf(fixtures::pgp_mime_signed());
    EXPECT_EQ(parse(raw).serialize(), raw);
    EXPECT_EQ(parse(text::to_lf(raw)).serialize(), raw) << "bare LF becomes CRLF";
    EXPECT_EQ(parse(raw).serialize(Newline::Lf), text::to_lf(raw));
}

TEST(Message, SerializeWritesEditsAndKeepsTheBody) {
    Message message = parse(fixtures::pgp_mime_signed());
    message.set_header("X-Sealpost-Verified", "good");
    std::string written = message.serialize();
    std::string body = text::to_crlf(fixtures::pgp_mime_signed());
    body = body.substr(body.find("\r\n\r\n"));
    EXPECT_NE(written.find("X-Sealpost-Verified: good\r\n"), std::string::npos);
    EXPECT_TRUE(written.ends_with(body));
}

TEST(Message, HeaderOnlyMessageHasAnEmptyBody) {
    Message message = parse("Subject: nothing else");
    EXPECT_EQ(message.subject(), "nothing else");
    EXPECT_EQ(message.serialize(), "Subject: nothing else\r\n\r\n");
}

TEST(Message, RefusesBytesWithoutAHeaderBlock) {
    try {
        parse("this is not a header\nnor this\n");
        FAIL() << "expected an error";
    } catch (const Error& error) {
        EXPECT_EQ(error.kind(), ErrorKind::BadInput);
    }
}

// GMime is initialised once however many threads start at the same time; each thread then
// works on its own messages.
TEST(Message, ParsesOnSeveralThreadsAtOnce) {
    std::vector<std::thread> threads;
    std::vector<int> good(4, 0);
    for (std::size_t t = 0; t < good.size(); ++t) {
        threads.emplace_back([&good, t] {
            for (int i = 0; i < 50; ++i) {
                Message message = parse(fixtures::pgp_mime_signed());
                message.set_header("X-Run", std::to_string(i));
                good[t] += parse(message.serialize()).subject() == "Quarterly figures";
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    EXPECT_EQ(good, std::vector<int>(4, 50));
}

TEST(Message, ParsedInPlaceReadsTheCallersBytesAndGivesThemBack) {
    std::string raw = text::to_crlf(fixtures::plain_text());
    const std::string copy = raw;
    {
        Message message = parse_in_place(raw);
        EXPECT_EQ(message.subject(), "Quarterly figures");
        EXPECT_EQ(message.serialize(), raw);
        message.set_header("X-Note", "edited");
        EXPECT_NE(message.serialize().find("X-Note: edited\r\n"), std::string::npos);
    }
    EXPECT_EQ(raw, copy);  // read, never written, and still ours after the message is gone
}

TEST(Message, ParsedInPlaceCopiesWhatIsNotCrlfYet) {
    std::string raw = fixtures::plain_text();  // LF line ends
    Message message = parse_in_place(raw);
    raw.assign(raw.size(), 'x');  // the message must not have kept a view of this
    EXPECT_EQ(message.subject(), "Quarterly figures");
    EXPECT_TRUE(text::is_crlf(message.serialize()));
}

TEST(Message, ParsedOwnedReleasesWhatSerializeWrites) {
    for (std::string raw : {text::to_crlf(fixtures::plain_text()), fixtures::plain_text()}) {
        Message message = parse_owned(raw);
        message.set_header("X-Sealpost-Decrypted", "yes");
        std::string expected = message.serialize();
        EXPECT_NE(expected.find("X-Sealpost-Decrypted: yes\r\n"), std::string::npos);
        EXPECT_EQ(std::move(message).release(), expected);
    }
}

TEST(Message, MovesWithoutCopyingTheTree) {
    Message first = plain();
    Message second = std::move(first);
    EXPECT_EQ(second.subject(), "Quarterly figures");
}

}  // namespace sealpost::mime
