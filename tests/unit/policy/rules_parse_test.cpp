// Syntax errors, with the exact line and column, and the entries that survive them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/files.hpp"
#include "policy/rules.hpp"

namespace sealpost::policy {

namespace {

struct Parsed {
    Rules rules;
    std::vector<ParseError> errors;
};

Parsed parse_with_errors(std::string_view text) {
    Parsed parsed;
    parsed.rules = parse(text, &parsed.errors);
    return parsed;
}

// The single error `text` must produce.
ParseError only_error(std::string_view text) {
    Parsed parsed = parse_with_errors(text);
    EXPECT_EQ(parsed.errors.size(), 1u) << text;
    EXPECT_TRUE(parsed.rules.empty()) << text;
    return parsed.errors.empty() ? ParseError{0, 0, ""} : parsed.errors[0];
}

void expect_error(std::string_view text, int line, int column, std::string_view words) {
    ParseError error = only_error(text);
    EXPECT_EQ(error.line, line) << text;
    EXPECT_EQ(error.column, column) << text;
    EXPECT_NE(error.message.find(words), std::string::npos) << error.message;
}

}  // namespace

TEST(RulesParse, UnknownTag) {
    expect_error("frank@example.com", 1, 1, "unknown tag 'f'");
    expect_error("\n\n   *@example.com", 3, 4, "unknown tag '*'");
    Parsed parsed = parse_with_errors("+a@example.com  @example.com");
    ASSERT_EQ(parsed.errors.size(), 1u);
    EXPECT_EQ(parsed.errors[0].column, 17);
    EXPECT_EQ(parsed.rules.entries().size(), 1u);
}

TEST(RulesParse, EmptyPatternAfterTag) {
    Parsed parsed = parse_with_errors("+a@example.com +");
    ASSERT_EQ(parsed.errors.size(), 1u);
    EXPECT_EQ(parsed.errors[0].column, 16);
    EXPECT_NE(parsed.errors[0].message.find("empty pattern"), std::string::npos);
    EXPECT_EQ(parsed.rules.entries().size(), 1u);
}

TEST(RulesParse, SpaceBetweenTagAndAddressIsOneError) {
    expect_error("+ frank@example.com", 1, 1, "space between tag '+' and its pattern");
}

TEST(RulesParse, TwoTagsInOneEntry) {
    expect_error("+~frank@example.com", 1, 2, "two tags");
}

TEST(RulesParse, BadGroupSyntax) {
    expect_error("^GROUP:", 1, 2, "empty group name");
    expect_error("^GROUP:Sign*ers", 1, 12, "wildcards are not allowed");
    expect_error("^GROUP:Sign/ers", 1, 12, "bad character '/' in group name");
    expect_error("^GRUOP:Signers", 1, 2, "bad GROUP syntax");
    expect_error("^GROUP", 1, 2, "bad GROUP syntax");
    expect_error("^GROUP:a:b", 1, 9, "bad character ':' in group name");
}

TEST(RulesParse, GroupKeywordIgnoresCase) {
    Parsed parsed = parse_with_errors("^group:Signers ^Group:Staff");
    EXPECT_TRUE(parsed.errors.empty());
    ASSERT_EQ(parsed.rules.entries().size(), 2u);
    EXPECT_EQ(parsed.rules.entries()[0].kind, PatternKind::Group);
    EXPECT_EQ(parsed.rules.entries()[0].pattern, "Signers");
}

TEST(RulesParse, BadCharacters) {
    expect_error("+frank<@example.com", 1, 7, "bad character '<'");
    expect_error("+\"frank\"@example.com", 1, 2, "bad character '\"'");
    expect_error("+fr\x01nk@example.com", 1, 4, "bad character 0x01");
    expect_error("+frank,anne@example.com", 1, 7, "bad character ','");
}

TEST(RulesParse, AtSignProblems) {
    expect_error("+example.com", 1, 2, "has no '@'");
    expect_error("+a@b@example.com", 1, 5, "more than one '@'");
    expect_error("+@example.com", 1, 2, "empty local part");
    expect_error("+frank@", 1, 7, "empty domain");
    expect_error("+?", 1, 2, "has no '@'");
}

TEST(RulesParse, ColumnsCountBytesAfterTabsAndLinesSurviveCrLf) {
    Parsed parsed =
        parse_with_errors("+a@example.com\r\n\t-b@example.com\tx@y\r\n+c@example.com\r\n");
    ASSERT_EQ(parsed.errors.size(), 1u);
    EXPECT_EQ(parsed.errors[0].line, 2);
    EXPECT_EQ(parsed.errors[0].column, 17);
    ASSERT_EQ(parsed.rules.entries().size(), 3u);
    EXPECT_EQ(parsed.rules.entries()[1].line, 2);
    EXPECT_EQ(parsed.rules.entries()[1].column, 2);
    EXPECT_EQ(parsed.rules.entries()[2].pattern, "c@example.com");
}

TEST(RulesParse, EveryErrorIsCollectedAndBadEntriesSkipped) {
    Parsed parsed = parse_with_errors(
        "+good@example.com bad@example.com\n"
        "^GROUP: =ok@example.com\n"
        "# a comment with +bad<entry\n"
        "$x@ !fine@example.com\n");
    ASSERT_EQ(parsed.errors.size(), 3u);
    EXPECT_EQ(parsed.errors[0].line, 1);
    EXPECT_EQ(parsed.errors[0].column, 19);
    EXPECT_EQ(parsed.errors[1].line, 2);
    EXPECT_EQ(parsed.errors[1].column, 2);
    EXPECT_EQ(parsed.errors[2].line, 4);
    EXPECT_EQ(parsed.errors[2].column, 3);
    EXPECT_EQ(parsed.rules.entries().size(), 3u);
    EXPECT_EQ(parsed.rules.decide(Permission::Decrypt, "fine@example.com"), Decision::Allowed);
}

TEST(RulesParse, NullErrorListStillSkipsBadEntries) {
    Rules rules = parse("+a@example.com nonsense -b@example.com", nullptr);
    EXPECT_EQ(rules.entries().size(), 2u);
}

TEST(RulesParse, ByteOrderMarkIsSkipped) {
    Parsed parsed = parse_with_errors("\xEF\xBB\xBF+a@example.com x");
    EXPECT_EQ(parsed.rules.entries().size(), 1u);
    ASSERT_EQ(parsed.errors.size(), 1u);
    EXPECT_EQ(parsed.errors[0].column, 16);
}

TEST(RulesParse, EntryKeepsItsTextAndPosition) {
    Rules rules = parse("\n  +*@Example.COM", nullptr);
    ASSERT_EQ(rules.entries().size(), 1u);
    const Rule& rule = rules.entries()[0];
    EXPECT_EQ(rule.text, "+*@Example.COM");
    EXPECT_EQ(rule.pattern, "*@example.com");
    EXPECT_EQ(rule.kind, PatternKind::Wildcard);
    EXPECT_EQ(rule.line, 2);
    EXPECT_EQ(rule.column, 3);
}

TEST(RulesParse, PatternKinds) {
    Rules rules = parse("+a@b.example +a*@b.example +GROUP:g +* +*@* +**@***", nullptr);
    ASSERT_EQ(rules.entries().size(), 6u);
    EXPECT_EQ(rules.entries()[0].kind, PatternKind::Exact);
    EXPECT_EQ(rules.entries()[1].kind, PatternKind::Wildcard);
    EXPECT_EQ(rules.entries()[2].kind, PatternKind::Group);
    EXPECT_EQ(rules.entries()[3].kind, PatternKind::CatchAll);
    EXPECT_EQ(rules.entries()[4].kind, PatternKind::CatchAll);
    EXPECT_EQ(rules.entries()[5].kind, PatternKind::CatchAll);
}

TEST(RulesParse, Utf8AddressesAreAccepted) {
    Rules rules = parse(
        "+j\xC3\xB6rg@b\xC3\xBC"
        "cher.example",
        nullptr);
    EXPECT_EQ(rules.entries().size(), 1u);
}

TEST(RulesParse, DescribeLooksLikeACompilerMessage) {
    EXPECT_EQ(describe({3, 7, "unknown tag '@'"}, "rules.txt"), "rules.txt:3:7: unknown tag '@'");
}

class RulesLoad : public ::testing::Test {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() / ("sealpost-rules-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(RulesLoad, ValidFileLoads) {
    files::write_atomic(dir_ / "rules.txt", "+*@example.com\n");
    Rules rules = load(dir_ / "rules.txt");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "a@example.com"), Decision::Allowed);
}

TEST_F(RulesLoad, SyntaxErrorsRefuseTheWholeFile) {
    files::write_atomic(dir_ / "rules.txt", "+*@example.com\n-frank@\n");
    try {
        load(dir_ / "rules.txt");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::BadInput);
        EXPECT_NE(std::string(e.what()).find("rules.txt:2:7: empty domain"), std::string::npos)
            << e.what();
    }
}

TEST_F(RulesLoad, MissingFileIsNotFound) {
    try {
        load(dir_ / "absent.txt");
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

}  // namespace sealpost::policy
