#include "policy/default_rules.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "policy/rules.hpp"
#include "rules_test_support.hpp"

namespace sealpost::policy {

TEST(DefaultRules, HasNoEntriesAndNoErrors) {
    std::vector<ParseError> errors;
    Rules rules = parse(default_rules_text(), &errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_TRUE(rules.empty());
}

// Each commented example must work once its `#` is removed.
TEST(DefaultRules, EveryExampleParsesWhenUncommented) {
    std::istringstream lines(default_rules_text());
    std::string line;
    int examples = 0;
    while (std::getline(lines, line)) {
        if (line.size() > 1 && line[0] == '#' && find_tag(line[1]) != nullptr) {
            SCOPED_TRACE(line);
            EXPECT_FALSE(testing::parse_clean(line.substr(1)).empty());
            ++examples;
        }
    }
    EXPECT_GE(examples, 7);  // the manual's seven, and ours
}

TEST(DefaultRules, DocumentsEveryTag) {
    std::string text = default_rules_text();
    for (const Tag& tag : tags) {
        EXPECT_NE(text.find(std::string(1, tag.symbol) + "  " + tag.meaning), std::string::npos)
            << tag.symbol;
    }
    EXPECT_NE(text.find("PRECEDENCE"), std::string::npos);
    EXPECT_NE(text.find("RKEY"), std::string::npos);
}

TEST(DefaultRules, LinesFitOneHundredColumns) {
    std::istringstream lines(default_rules_text());
    std::string line;
    while (std::getline(lines, line)) {
        EXPECT_LE(line.size(), 100u) << line;
    }
}

}  // namespace sealpost::policy
