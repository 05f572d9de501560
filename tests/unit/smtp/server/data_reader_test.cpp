#include "smtp/server/data_reader.hpp"

#include <gtest/gtest.h>

namespace sealpost::smtp::server {

namespace {

using Problem = DataReader::Problem;

struct Result {
    std::size_t consumed = 0;
    bool finished = false;
    Problem problem = Problem::None;
    std::string message;
};

Result read_all(std::string_view bytes, DataReader::Limits limits = {}) {
    DataReader reader(limits);
    Result outcome;
    outcome.consumed = reader.feed(bytes);
    outcome.finished = reader.finished();
    outcome.problem = reader.problem();
    outcome.message = reader.take_message();
    return outcome;
}

Result read_octet_by_octet(std::string_view bytes, DataReader::Limits limits = {}) {
    DataReader reader(limits);
    Result outcome;
    for (char octet : bytes) {
        if (reader.finished()) {
            break;
        }
        outcome.consumed += reader.feed(std::string_view(&octet, 1));
    }
    outcome.finished = reader.finished();
    outcome.problem = reader.problem();
    outcome.message = reader.take_message();
    return outcome;
}

}  // namespace

TEST(DataReader, CrlfDotCrlfEndsTheData) {
    Result outcome = read_all("Subject: hi\r\n\r\nbody\r\n.\r\n");
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(outcome.problem, Problem::None);
    EXPECT_EQ(outcome.message, "Subject: hi\r\n\r\nbody\r\n");
    EXPECT_EQ(outcome.consumed, 24u);
}

TEST(DataReader, DotAsFirstLineIsAnEmptyMessage) {
    Result outcome = read_all(".\r\n");
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(outcome.problem, Problem::None);
    EXPECT_EQ(outcome.message, "");
}

TEST(DataReader, LeavesPipelinedBytesAfterTheEnd) {
    std::string bytes = "body\r\n.\r\nMAIL FROM:<a@b.example>\r\n";
    Result outcome = read_all(bytes);
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(bytes.substr(outcome.consumed), "MAIL FROM:<a@b.example>\r\n");
}

TEST(DataReader, WaitsForMoreWhenTheEndIsNotThereYet) {
    DataReader reader({});
    EXPECT_EQ(reader.feed("body\r\n."), 7u);
    EXPECT_FALSE(reader.finished());
    EXPECT_EQ(reader.feed("\r"), 1u);
    EXPECT_FALSE(reader.finished());
    EXPECT_EQ(reader.feed("\nQUIT\r\n"), 1u);
    EXPECT_TRUE(reader.finished());
    EXPECT_EQ(reader.take_message(), "body\r\n");
}

TEST(DataReader, UndoesDotStuffing) {
    Result outcome = read_all("..leading dot\r\n..\r\n...\r\n.x\r\nmid.dle\r\n.\r\n");
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(outcome.message, ".leading dot\r\n.\r\n..\r\nx\r\nmid.dle\r\n");
}

// Every end-of-data look-alike that some MTA might take as the end (the SMTP smuggling
// attacks of 2023): none may end the data, and the message must be refused.
TEST(DataReader, SmugglingVariantsNeitherEndTheDataNorPass) {
    for (std::string variant :
         {"\n.\n", "\r.\r", "\n.\r\n", "\r\n.\n", "\r.\r\n", "\n.\r", "\r\n.\r", "\r\n.\rX\r\n"}) {
        std::string smuggled = "Subject: first\r\n\r\nbody" + variant +
                               "MAIL FROM:<evil@example.org>\r\nRCPT TO:<victim@example.org>\r\n"
                               "DATA\r\n\r\nforged\r\n";
        std::string bytes = smuggled + ".\r\nQUIT\r\n";
        for (Result outcome : {read_all(bytes), read_octet_by_octet(bytes)}) {
            EXPECT_TRUE(outcome.finished) << testing::PrintToString(variant);
            EXPECT_EQ(outcome.consumed, smuggled.size() + 3) << testing::PrintToString(variant);
            EXPECT_EQ(outcome.problem, Problem::BareLineEnding) << testing::PrintToString(variant);
        }
    }
}

TEST(DataReader, BareLfOrCrAnywhereRefusesTheMessage) {
    for (const char* bytes : {"a\nb\r\n.\r\n", "a\rb\r\n.\r\n", "\n\r\n.\r\n", "a\r\r\n.\r\n",
                              "ok\r\nend\n\r\n.\r\n"}) {
        Result outcome = read_all(bytes);
        EXPECT_TRUE(outcome.finished) << testing::PrintToString(bytes);
        EXPECT_EQ(outcome.problem, Problem::BareLineEnding) << testing::PrintToString(bytes);
    }
}

TEST(DataReader, LineLimitCountsTheCrlf) {
    DataReader::Limits limits{.max_line_length = 1000, .max_message_size = 1 << 20};
    std::string fits = std::string(998, 'x') + "\r\n.\r\n";
    EXPECT_EQ(read_all(fits, limits).problem, Problem::None);
    std::string too_long = std::string(999, 'x') + "\r\nnext\r\n.\r\nNOOP\r\n";
    Result outcome = read_all(too_long, limits);
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(outcome.problem, Problem::LineTooLong);
    EXPECT_EQ(too_long.substr(outcome.consumed), "NOOP\r\n");
    // Dot-stuffing counts: the limit is on the line as sent.
    EXPECT_EQ(read_all("." + std::string(998, 'x') + "\r\n.\r\n", limits).problem,
              Problem::LineTooLong);
}

TEST(DataReader, SizeLimitReadsToTheRealEnd) {
    DataReader::Limits limits{.max_line_length = 1000, .max_message_size = 100};
    std::string bytes;
    for (int i = 0; i < 10; ++i) {
        bytes += std::string(20, 'y') + "\r\n";
    }
    bytes += ".\r\nRSET\r\n";
    Result outcome = read_all(bytes, limits);
    EXPECT_TRUE(outcome.finished);
    EXPECT_EQ(outcome.problem, Problem::MessageTooBig);
    EXPECT_EQ(bytes.substr(outcome.consumed), "RSET\r\n");
    EXPECT_TRUE(outcome.message.empty());
    EXPECT_EQ(read_all(std::string(98, 'z') + "\r\n.\r\n", limits).problem, Problem::None);
}

TEST(DataReader, BareLineEndingOutranksOtherProblems) {
    DataReader::Limits limits{.max_line_length = 10, .max_message_size = 1 << 20};
    EXPECT_EQ(read_all("0123456789abc\r\nx\ny\r\n.\r\n", limits).problem, Problem::BareLineEnding);
}

TEST(DataReader, OctetByOctetMatchesOneRead) {
    std::string bytes = "From: a@b.example\r\n\r\n..x\r\n\r\nline\r\n..\r\n.\r\nrest";
    Result whole = read_all(bytes);
    Result pieces = read_octet_by_octet(bytes);
    EXPECT_EQ(whole.message, pieces.message);
    EXPECT_EQ(whole.consumed, pieces.consumed);
    EXPECT_EQ(whole.problem, pieces.problem);
}

}  // namespace sealpost::smtp::server
