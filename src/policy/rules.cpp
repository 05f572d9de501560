// The rules.txt evaluator: the index built once per file, and the precedence between entries.
#include "policy/rules.hpp"

#include <cassert>

#include "policy/wildcard.hpp"

namespace sealpost::policy {

// One address being evaluated: its folded form, computed once, and the group answers already
// given, so that explain() asks the directory at most once per group.
struct Rules::Query {
    std::string_view address;
    std::string lowered;
    const GroupMembership& groups;
    std::unordered_map<std::string_view, bool> memberships;

    bool is_member(std::string_view group) {
        auto found = memberships.find(group);
        if (found != memberships.end()) {
            return found->second;
        }
        bool member = groups && groups(group, address);
        memberships.emplace(group, member);
        return member;
    }
};

namespace {

struct Parts {
    std::string_view local;
    std::string_view domain;
};

// Splits at the last `@`: a quoted local part may hold one, a domain never does.
std::optional<Parts> split_address(std::string_view address) {
    std::size_t at = address.rfind('@');
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    return Parts{address.substr(0, at), address.substr(at + 1)};
}

bool has_wildcard(std::string_view text) {
    return text.find_first_of("*?") != std::string_view::npos;
}

}  // namespace

const char* to_string(Permission permission) {
    switch (permission) {
        case Permission::Encrypt:
            return "encrypt";
        case Permission::Decrypt:
            return "decrypt";
        case Permission::Sign:
            return "sign";
        case Permission::Verify:
            return "verify";
        case Permission::Rkey:
            return "rkey";
    }
    return "?";
}

const char* to_string(Decision decision) {
    switch (decision) {
        case Decision::Allowed:
            return "allowed";
        case Decision::Denied:
            return "denied";
        case Decision::NoRule:
            return "no rule";
    }
    return "?";
}

Rules::Rules(std::vector<Rule> rules) : rules_(std::move(rules)) {
    for (std::uint32_t position = 0; position < rules_.size(); ++position) {
        add_to_index(position);
    }
}

void Rules::add_to_index(std::uint32_t position) {
    const Rule& rule = rules_[position];
    Index& index = index_[static_cast<std::size_t>(rule.permission)];
    switch (rule.kind) {
        case PatternKind::Exact:
            index.exact[rule.pattern] = position;
            break;
        case PatternKind::Wildcard: {
            auto parts = split_address(rule.pattern);
            assert(parts);
            if (has_wildcard(parts->domain)) {
                index.wildcards.push_back(position);
            } else {
                index.by_domain[std::string(parts->domain)].push_back(position);
            }
            break;
        }
        case PatternKind::Group:
            index.groups.push_back(position);
            break;
        case PatternKind::CatchAll:
            index.catch_all = position;
            break;
    }
}

// Among wildcard patterns: more literal characters, then fewer `*`, then the later entry.
bool Rules::more_specific(std::uint32_t a, std::uint32_t b) const {
    const Rule& x = rules_[a];
    const Rule& y = rules_[b];
    if (x.literals != y.literals) {
        return x.literals > y.literals;
    }
    if (x.stars != y.stars) {
        return x.stars < y.stars;
    }
    return a > b;
}

std::optional<std::uint32_t> Rules::best_address_match(const Index& index,
                                                       const std::string& lowered) const {
    if (auto exact = index.exact.find(lowered); exact != index.exact.end()) {
        return exact->second;
    }
    auto address = split_address(lowered);
    if (!address) {
        return std::nullopt;
    }
    std::optional<std::uint32_t> best;
    auto consider = [&](std::uint32_t position, std::string_view local_pattern) {
        if (wildcard_match(local_pattern, address->local) &&
            (!best || more_specific(position, *best))) {
            best = position;
        }
    };
    if (auto bucket = index.by_domain.find(std::string(address->domain));
        bucket != index.by_domain.end()) {
        for (std::uint32_t position : bucket->second) {
            consider(position, split_address(rules_[position].pattern)->local);
        }
    }
    for (std::uint32_t position : index.wildcards) {
        auto pattern = split_address(rules_[position].pattern);
        if (wildcard_match(pattern->domain, address->domain)) {
            consider(position, pattern->local);
        }
    }
    return best;
}

// All GROUP entries are equally specific, so the last one whose group holds the address wins.
std::optional<std::uint32_t> Rules::best_group_match(const Index& index, Query& query) const {
    for (auto it = index.groups.rbegin(); it != index.groups.rend(); ++it) {
        if (query.is_member(rules_[*it].pattern)) {
            return *it;
        }
    }
    return std::nullopt;
}

Verdict Rules::evaluate_with(Permission permission, Query& query) const {
    const Index& index = index_[static_cast<std::size_t>(permission)];
    auto position = best_address_match(index, query.lowered);
    if (!position) {
        position = best_group_match(index, query);
    }
    if (!position) {
        position = index.catch_all;
    }
    if (!position) {
        return {permission, Decision::NoRule, nullptr};
    }
    const Rule& rule = rules_[*position];
    return {permission, rule.allow ? Decision::Allowed : Decision::Denied, &rule};
}

Verdict Rules::evaluate(Permission permission, std::string_view address,
                        const GroupMembership& groups) const {
    Query query{address, ascii_lower(address), groups, {}};
    return evaluate_with(permission, query);
}

Explanation Rules::explain(std::string_view address, const GroupMembership& groups) const {
    Query query{address, ascii_lower(address), groups, {}};
    Explanation explanation{std::string(address), {}};
    for (Permission permission : all_permissions) {
        explanation.verdicts[static_cast<std::size_t>(permission)] =
            evaluate_with(permission, query);
    }
    return explanation;
}

std::string to_text(const Explanation& explanation) {
    std::string out;
    for (const Verdict& verdict : explanation.verdicts) {
        std::string name = to_string(verdict.permission);
        std::string decision = to_string(verdict.decision);
        out += name + std::string(9 - name.size(), ' ') + decision +
               std::string(9 - decision.size(), ' ');
        if (verdict.rule != nullptr) {
            out += "line " + std::to_string(verdict.rule->line) + " column " +
                   std::to_string(verdict.rule->column) + ": " + verdict.rule->text + "\n";
        } else if (verdict.permission == Permission::Rkey) {
            out += "refused: RKEY needs an entry that allows it\n";
        } else {
            out += "the global authorize-all switch decides\n";
        }
    }
    return out;
}

}  // namespace sealpost::policy
