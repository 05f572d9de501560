// The rules.txt parser: lines, comments, entries, and the checks on each entry's pattern.
#include <cstdio>
#include <string>

#include "common/error.hpp"
#include "common/files.hpp"
#include "policy/rules.hpp"
#include "policy/wildcard.hpp"

namespace sealpost::policy {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::string_view group_prefix = "group:";
constexpr std::size_t max_errors_in_exception = 20;

// Where one entry sits, and where its errors go.
struct Entry {
    std::string_view token;
    int line;
    int column;
    std::vector<ParseError>* errors;

    void fail(std::size_t offset, std::string message) const {
        if (errors != nullptr) {
            errors->push_back({line, column + static_cast<int>(offset), std::move(message)});
        }
    }
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string quoted(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", byte);
        return hex;
    }
    return std::string("'") + c + "'";
}

// Bytes an address pattern may hold: RFC 5322 atext, `.`, `@`, and UTF-8 (RFC 6531) bytes.
// Specials such as `<`, `,` or `"` mean someone pasted a header rather than an address.
bool is_address_byte(char c) {
    auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
        return true;
    }
    if (byte <= 0x20 || byte == 0x7F) {
        return false;
    }
    return std::string_view("()<>[]:;,\\\"").find(c) == std::string_view::npos;
}

bool is_group_byte(char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '@';
}

bool only_stars(std::string_view text) {
    return !text.empty() && text.find_first_not_of('*') == std::string_view::npos;
}

// `*`, `*@*`, `**@*`: patterns that match every address.
bool is_catch_all(std::string_view pattern) {
    std::size_t at = pattern.find('@');
    if (at == std::string_view::npos) {
        return only_stars(pattern);
    }
    return only_stars(pattern.substr(0, at)) && only_stars(pattern.substr(at + 1));
}

// The start of a long entry, for error messages.
std::string excerpt(std::string_view token) {
    constexpr std::size_t max_length = 40;
    return token.size() <= max_length ? std::string(token)
                                      : std::string(token.substr(0, max_length)) + "...";
}

std::string tag_symbols() {
    std::string out;
    for (const Tag& tag : tags) {
        out += out.empty() ? "" : " ";
        out += tag.symbol;
    }
    return out;
}

bool check_group(const Entry& entry, std::string_view name, std::size_t offset) {
    if (name.empty()) {
        entry.fail(1, "empty group name: write GROUP:name");
        return false;
    }
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (name[i] == '*' || name[i] == '?') {
            entry.fail(offset + i, "wildcards are not allowed in a group name");
            return false;
        }
        if (!is_group_byte(name[i])) {
            entry.fail(offset + i, "bad character " + quoted(name[i]) + " in group name");
            return false;
        }
    }
    return true;
}

bool check_characters(const Entry& entry, std::string_view pattern) {
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (!is_address_byte(pattern[i])) {
            entry.fail(1 + i, "bad character " + quoted(pattern[i]) + " in address pattern");
            return false;
        }
    }
    return true;
}

bool check_at_sign(const Entry& entry, std::string_view pattern) {
    std::size_t at = pattern.find('@');
    if (at == std::string_view::npos) {
        entry.fail(1, "'" + excerpt(pattern) +
                          "' has no '@': write user@domain, or *@domain for a whole domain");
        return false;
    }
    if (pattern.find('@', at + 1) != std::string_view::npos) {
        entry.fail(1 + pattern.find('@', at + 1), "more than one '@' in address pattern");
        return false;
    }
    if (at == 0) {
        entry.fail(1, "empty local part before '@': write *@domain for a whole domain");
        return false;
    }
    if (at + 1 == pattern.size()) {
        entry.fail(1 + at, "empty domain after '@': write user@* for every domain");
        return false;
    }
    return true;
}

bool check_address(const Entry& entry, std::string_view pattern) {
    if (find_tag(pattern[0]) != nullptr) {
        entry.fail(1, "two tags in one entry: write one tag per entry, e.g. '+a@b.com ~a@b.com'");
        return false;
    }
    if (pattern.find(':') != std::string_view::npos || ascii_lower(pattern) == "group") {
        entry.fail(1, "bad GROUP syntax: write GROUP:name");
        return false;
    }
    if (!check_characters(entry, pattern)) {
        return false;
    }
    return is_catch_all(pattern) || check_at_sign(entry, pattern);
}

Rule make_rule(const Entry& entry, const Tag& tag, PatternKind kind, std::string pattern) {
    Rule rule{
        tag.permission, tag.allow, kind, std::string(entry.token), std::move(pattern), entry.line,
        entry.column,   0,         0};
    for (char c : rule.pattern) {
        rule.stars += c == '*' ? 1 : 0;
        rule.literals += c != '*' && c != '?' ? 1 : 0;
    }
    return rule;
}

PatternKind address_kind(std::string_view pattern) {
    if (is_catch_all(pattern)) {
        return PatternKind::CatchAll;
    }
    return pattern.find_first_of("*?") == std::string_view::npos ? PatternKind::Exact
                                                                 : PatternKind::Wildcard;
}

std::optional<Rule> parse_entry(const Entry& entry) {
    const Tag* tag = find_tag(entry.token[0]);
    if (tag == nullptr) {
        entry.fail(0, "unknown tag " + quoted(entry.token[0]) + " in '" + excerpt(entry.token) +
                          "': every entry starts with one of " + tag_symbols());
        return std::nullopt;
    }
    std::string_view pattern = entry.token.substr(1);
    if (pattern.empty()) {
        entry.fail(0, "empty pattern after tag " + quoted(tag->symbol));
        return std::nullopt;
    }
    if (ascii_lower(pattern.substr(0, group_prefix.size())) == group_prefix) {
        std::string_view name = pattern.substr(group_prefix.size());
        if (!check_group(entry, name, 1 + group_prefix.size())) {
            return std::nullopt;
        }
        return make_rule(entry, *tag, PatternKind::Group, std::string(name));
    }
    if (!check_address(entry, pattern)) {
        return std::nullopt;
    }
    return make_rule(entry, *tag, address_kind(pattern), ascii_lower(pattern));
}

struct Token {
    std::string_view text;
    std::size_t offset;
};

std::vector<Token> split_entries(std::string_view line) {
    std::vector<Token> tokens;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) {
            ++i;
        }
        std::size_t start = i;
        while (i < line.size() && !is_space(line[i])) {
            ++i;
        }
        if (i > start) {
            tokens.push_back({line.substr(start, i - start), start});
        }
    }
    return tokens;
}

// A lone tag followed by an untagged word is one mistake, "+ frank@example.com": report it
// once and skip both.
bool is_detached_tag(const std::vector<Token>& tokens, std::size_t i) {
    return tokens[i].text.size() == 1 && find_tag(tokens[i].text[0]) != nullptr &&
           i + 1 < tokens.size() && find_tag(tokens[i + 1].text[0]) == nullptr;
}

void parse_line(std::string_view line, int number, std::vector<Rule>& rules,
                std::vector<ParseError>* errors) {
    line = line.substr(0, line.find('#'));
    std::vector<Token> tokens = split_entries(line);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        Entry entry{tokens[i].text, number, static_cast<int>(tokens[i].offset) + 1, errors};
        if (is_detached_tag(tokens, i)) {
            entry.fail(0, "space between tag " + quoted(entry.token[0]) +
                              " and its pattern: write " + std::string(entry.token) +
                              std::string(tokens[i + 1].text));
            ++i;
            continue;
        }
        if (auto rule = parse_entry(entry)) {
            rules.push_back(std::move(*rule));
        }
    }
}

}  // namespace

const Tag* find_tag(char symbol) {
    for (const Tag& tag : tags) {
        if (tag.symbol == symbol) {
            return &tag;
        }
    }
    return nullptr;
}

std::string describe(const ParseError& error, std::string_view source_name) {
    return std::string(source_name) + ":" + std::to_string(error.line) + ":" +
           std::to_string(error.column) + ": " + error.message;
}

Rules parse(std::string_view text, std::vector<ParseError>* errors) {
    if (text.starts_with(utf8_bom)) {
        text.remove_prefix(utf8_bom.size());
    }
    std::vector<Rule> rules;
    int number = 1;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        parse_line(text.substr(0, end), number++, rules, errors);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    }
    return Rules(std::move(rules));
}

Rules load(const std::filesystem::path& path) {
    std::string text = files::read(path);
    std::vector<ParseError> errors;
    Rules rules = parse(text, &errors);
    if (errors.empty()) {
        return rules;
    }
    std::string message = std::to_string(errors.size()) + " error(s) in rules file";
    for (std::size_t i = 0; i < errors.size() && i < max_errors_in_exception; ++i) {
        message += "\n" + describe(errors[i], path.string());
    }
    throw Error(ErrorKind::BadInput, message);
}

}  // namespace sealpost::policy
