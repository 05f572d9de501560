// Helpers shared by the rules tests.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "policy/rules.hpp"

namespace sealpost::policy::testing {

// Parses text that must have no syntax error.
inline Rules parse_clean(std::string_view text) {
    std::vector<ParseError> errors;
    Rules rules = parse(text, &errors);
    for (const ParseError& error : errors) {
        ADD_FAILURE() << describe(error, "rules.txt");
    }
    return rules;
}

// A directory with fixed group memberships.
class Directory {
public:
    explicit Directory(std::initializer_list<std::pair<std::string, std::string>> members)
        : members_(members) {}

    GroupMembership membership() const {
        return [this](std::string_view group, std::string_view address) {
            ++questions_;
            return members_.count({std::string(group), std::string(address)}) > 0;
        };
    }
    int questions() const { return questions_; }

private:
    std::set<std::pair<std::string, std::string>> members_;
    mutable int questions_ = 0;
};

}  // namespace sealpost::policy::testing
