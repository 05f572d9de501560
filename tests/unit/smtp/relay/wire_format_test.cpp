// The pure parts of the wire format: reply lines, enhanced codes, EHLO keywords, xtext, and
// the encoding of DATA.
#include <gtest/gtest.h>

#include <random>

#include "smtp/relay/wire_format.hpp"

namespace sealpost::smtp {
namespace {

TEST(RelayReplyLineTest, ParsesLastAndContinuationLines) {
    auto last = parse_reply_line("250 2.0.0 Ok");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->code, 250);
    EXPECT_TRUE(last->last);
    EXPECT_EQ(last->text, "2.0.0 Ok");

    auto more = parse_reply_line("250-PIPELINING");
    ASSERT_TRUE(more);
    EXPECT_FALSE(more->last);
    EXPECT_EQ(more->text, "PIPELINING");

    auto bare = parse_reply_line("354");
    ASSERT_TRUE(bare);
    EXPECT_TRUE(bare->last);
    EXPECT_EQ(bare->text, "");
}

TEST(RelayReplyLineTest, RefusesWhatIsNoReply) {
    EXPECT_FALSE(parse_reply_line(""));
    EXPECT_FALSE(parse_reply_line("25"));
    EXPECT_FALSE(parse_reply_line("2500 Ok"));
    EXPECT_FALSE(parse_reply_line("abc Ok"));
    EXPECT_FALSE(parse_reply_line("199 too low"));
    EXPECT_FALSE(parse_reply_line("600 too high"));
    EXPECT_FALSE(parse_reply_line("250_Ok"));
}

TEST(RelayEnhancedCodeTest, TakesAMatchingCodeOffTheText) {
    std::string text = "5.1.1 <x@y>: Recipient address rejected";
    EXPECT_EQ(take_enhanced_code(550, text), "5.1.1");
    EXPECT_EQ(text, "<x@y>: Recipient address rejected");

    std::string long_parts = "4.7.100 three digit detail";
    EXPECT_EQ(take_enhanced_code(450, long_parts), "4.7.100");
    EXPECT_EQ(long_parts, "three digit detail");

    std::string only = "2.0.0";
    EXPECT_EQ(take_enhanced_code(250, only), "2.0.0");
    EXPECT_EQ(only, "");
}

TEST(RelayEnhancedCodeTest, LeavesTextWithoutOneAlone) {
    for (std::string text : {"Ok", "1.2.3 version", "5.1.1 class differs", "2.1.1x", "2..1 x",
                             "2.1. x", "2.1234.1 x"}) {
        std::string kept = text;
        EXPECT_EQ(take_enhanced_code(250, kept), "") << text;
        EXPECT_EQ(kept, text);
    }
}

TEST(RelayExtensionsTest, ReadsKeywordsAfterTheGreetingLine) {
    auto offered =
        parse_extensions({"mx.example.org greets you", "pipelining", "SIZE 10240000", "STARTTLS",
                          "8BITMIME", "SMTPUTF8", "XFORWARD NAME addr PROTO HELO"});
    EXPECT_TRUE(offered.pipelining);
    EXPECT_TRUE(offered.size);
    EXPECT_TRUE(offered.starttls);
    EXPECT_TRUE(offered.eight_bit_mime);
    EXPECT_TRUE(offered.smtputf8);
    EXPECT_TRUE(offered.offers_xforward("ADDR"));
    EXPECT_TRUE(offered.offers_xforward("HELO"));
    EXPECT_FALSE(offered.offers_xforward("IDENT"));

    auto none = parse_extensions({"PIPELINING is the greeting, not a keyword"});
    EXPECT_FALSE(none.pipelining);
}

TEST(RelayXtextTest, EncodesPlusEqualsAndNonPrintables) {
    EXPECT_EQ(xtext("mail.example.org"), "mail.example.org");
    EXPECT_EQ(xtext("a+b=c"), "a+2Bb+3Dc");
    EXPECT_EQ(xtext("two words"), "two+20words");
    EXPECT_EQ(xtext("caf\xc3\xa9"), "caf+C3+A9");
    EXPECT_EQ(xtext("[192.0.2.1]"), "[192.0.2.1]");
}

TEST(RelayDataEncodingTest, StuffsDotsAtLineStartsOnly) {
    EXPECT_EQ(encode_data(".\r\n"), "..\r\n.\r\n");
    EXPECT_EQ(encode_data("a.b\r\n.c\r\n"), "a.b\r\n..c\r\n.\r\n");
    EXPECT_EQ(encode_data("..\r\n"), "...\r\n.\r\n");
}

TEST(RelayDataEncodingTest, NormalisesLineEndsAndEndsWithCrlf) {
    EXPECT_EQ(encode_data("a\nb\rc\r\n"), "a\r\nb\r\nc\r\n.\r\n");
    EXPECT_EQ(encode_data("no final break"), "no final break\r\n.\r\n");
    EXPECT_EQ(encode_data(""), ".\r\n");
    // A smuggling attempt: a lone LF before ".": the server sees a stuffed dot, not an end.
    EXPECT_EQ(encode_data("x\n.\nMAIL FROM:<y>\r\n"), "x\r\n..\r\nMAIL FROM:<y>\r\n.\r\n");
}

TEST(RelayDataEncodingTest, PiecesOfAnySizeAddUpToTheWhole) {
    std::string data = "a\r\n.b\r\n\r\n..\nc\rd\r\n.";
    auto whole = encode_data(data);
    EXPECT_EQ(whole, "a\r\n..b\r\n\r\n...\r\nc\r\nd\r\n..\r\n.\r\n");
    for (std::size_t limit = 1; limit < 12; ++limit) {
        DataEncoder encoder(data);
        std::string joined;
        int pieces = 0;
        while (!encoder.finished() && pieces++ < 100) {
            joined += encoder.next(limit);
        }
        EXPECT_EQ(joined, whole) << "pieces of " << limit;
    }
}

// The encoding defined one byte at a time, as RFC 5321 §4.5.2 words it, against random data
// cut into random pieces.
TEST(RelayDataEncodingTest, MatchesTheByteByByteDefinition) {
    auto reference = [](std::string_view data) {
        std::string out;
        bool line_start = true;
        for (std::size_t i = 0; i < data.size(); ++i) {
            char c = data[i];
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < data.size() && data[i + 1] == '\n') {
                    ++i;
                }
                out += "\r\n";
                line_start = true;
                continue;
            }
            if (line_start && c == '.') {
                out += '.';
            }
            out += c;
            line_start = false;
        }
        return out + (line_start ? "" : "\r\n") + ".\r\n";
    };
    std::mt19937 random(20261204);
    const char alphabet[] = {'a', '.', '\r', '\n', ' ', 'z'};
    for (int round = 0; round < 2000; ++round) {
        std::string data(random() % 40, ' ');
        for (char& c : data) {
            c = alphabet[random() % sizeof(alphabet)];
        }
        std::size_t limit = 1 + random() % 16;
        DataEncoder encoder(data);
        std::string joined;
        for (int pieces = 0; !encoder.finished() && pieces < 200; ++pieces) {
            std::string piece = encoder.next(limit);
            EXPECT_LE(piece.size(), limit + 6);  // a stuffed dot or a CRLF, then the end
            joined += piece;
        }
        ASSERT_EQ(joined, reference(data)) << "limit " << limit;
    }
}

TEST(RelayAddressTest, CleanAddresses) {
    EXPECT_TRUE(is_clean_address("alice@example.org"));
    EXPECT_TRUE(is_clean_address(""));
    EXPECT_TRUE(is_clean_address("\"a b\"@example.org"));
    EXPECT_FALSE(is_clean_address("a@b\r\nRSET"));
    EXPECT_FALSE(is_clean_address("a>@b"));
    EXPECT_FALSE(is_clean_address("<a@b"));
    EXPECT_TRUE(has_non_ascii("j\xc3\xb6rg@example.org"));
    EXPECT_FALSE(has_non_ascii("jorg@example.org"));
}

}  // namespace
}  // namespace sealpost::smtp
