// libFuzzer target for the rules.txt parser and evaluator: any bytes must parse without a
// crash, every error must carry a position, and evaluating must stay within bounds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "policy/rules.hpp"

namespace {

using sealpost::policy::GroupMembership;
using sealpost::policy::ParseError;
using sealpost::policy::Rules;

// A directory where every group whose name starts with a vowel holds every address.
bool member(std::string_view group, std::string_view) {
    return !group.empty() &&
           std::string_view("AEIOUaeiou").find(group[0]) != std::string_view::npos;
}

void check_errors(const std::vector<ParseError>& errors) {
    for (const ParseError& error : errors) {
        if (error.line < 1 || error.column < 1 || error.message.empty()) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<ParseError> errors;
    Rules rules = sealpost::policy::parse(text, &errors);
    check_errors(errors);

    // The first line of the input doubles as an address, so the matcher sees hostile text too.
    std::string_view address = text.substr(0, text.find('\n'));
    GroupMembership groups = member;
    for (std::string_view probe : {address, std::string_view("frank@example.com"),
                                   std::string_view("a@b@c"), std::string_view("")}) {
        auto explanation = rules.explain(probe, groups);
        for (const auto& verdict : explanation.verdicts) {
            if ((verdict.rule == nullptr) !=
                (verdict.decision == sealpost::policy::Decision::NoRule)) {
                std::abort();
            }
        }
    }
    return 0;
}
