#include "policy/wildcard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sealpost::policy {

TEST(Wildcard, LiteralsMatchExactly) {
    EXPECT_TRUE(wildcard_match("frank", "frank"));
    EXPECT_FALSE(wildcard_match("frank", "franky"));
    EXPECT_FALSE(wildcard_match("frank", "fran"));
    EXPECT_TRUE(wildcard_match("", ""));
    EXPECT_FALSE(wildcard_match("", "a"));
}

TEST(Wildcard, StarMatchesAnyRunIncludingNone) {
    EXPECT_TRUE(wildcard_match("*", ""));
    EXPECT_TRUE(wildcard_match("*", "anything"));
    EXPECT_TRUE(wildcard_match("fr*nk", "frnk"));
    EXPECT_TRUE(wildcard_match("fr*nk", "frankenstank"));
    EXPECT_TRUE(wildcard_match("*.example.com", "mail.example.com"));
    EXPECT_FALSE(wildcard_match("*.example.com", "example.com"));
    EXPECT_TRUE(wildcard_match("a*b*c", "abc"));
    EXPECT_TRUE(wildcard_match("a*b*c", "axxbyybzzc"));
    EXPECT_FALSE(wildcard_match("a*b*c", "axxbyyb"));
    EXPECT_TRUE(wildcard_match("**", "x"));
}

TEST(Wildcard, QuestionMarkMatchesExactlyOneCharacter) {
    EXPECT_TRUE(wildcard_match("fr?nk", "frank"));
    EXPECT_FALSE(wildcard_match("fr?nk", "frnk"));
    EXPECT_FALSE(wildcard_match("fr?nk", "fraank"));
    EXPECT_FALSE(wildcard_match("?", ""));
    EXPECT_TRUE(wildcard_match("?*", "a"));
    EXPECT_FALSE(wildcard_match("??*", "a"));
}

TEST(Wildcard, QuestionMarkMatchesOneUtf8Character) {
    EXPECT_TRUE(wildcard_match("j?rg", "j\xC3\xB6rg"));  // jörg
    EXPECT_FALSE(wildcard_match("j??rg", "j\xC3\xB6rg"));
    EXPECT_TRUE(wildcard_match("*?", "\xC3\xB6"));
    EXPECT_FALSE(wildcard_match("*??", "\xC3\xB6"));
}

TEST(Wildcard, BacktracksOnlyToTheLastStar) {
    EXPECT_TRUE(wildcard_match("*ab", "aab"));
    EXPECT_TRUE(wildcard_match("*aab", "aaab"));
    EXPECT_TRUE(wildcard_match("*a?b*", "xxaxaxbx"));
    EXPECT_FALSE(wildcard_match("*a?b", "xxaxaxbx"));
}

// A pattern like a*a*a*...*b against aaaa...a takes exponential time in a naive recursive
// matcher; this one finishes in O(pattern × text).
TEST(Wildcard, PathologicalPatternIsNotExponential) {
    std::string pattern;
    for (int i = 0; i < 200; ++i) {
        pattern += "a*";
    }
    pattern += "b";
    EXPECT_FALSE(wildcard_match(pattern, std::string(5000, 'a')));
    EXPECT_TRUE(wildcard_match(pattern, std::string(5000, 'a') + "b"));
}

TEST(Wildcard, AsciiLowerFoldsOnlyAsciiLetters) {
    EXPECT_EQ(ascii_lower("Frank@EXAMPLE.com"), "frank@example.com");
    EXPECT_EQ(ascii_lower("J\xC3\x96RG"), "j\xC3\x96rg");  // Ö stays
}

}  // namespace sealpost::policy
