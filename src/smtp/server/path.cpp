// Path checks for MAIL and RCPT (see path.hpp).
#include "smtp/server/path.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace sealpost::smtp::server {

namespace {

bool is_ascii_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext, as RFC 5321 §4.1.2 uses it; octets past 0x7f are UTF-8 (RFC 6531 §3.3).
bool is_atext(unsigned char c) {
    return is_ascii_alnum(c) || std::strchr("!#$%&'*+-/=?^_`{|}~", c) != nullptr || c >= 0x80;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

PathCheck fail(PathProblem problem, std::string reason) {
    return PathCheck{problem, std::move(reason), {}};
}

bool is_dot_string(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.' ||
        text.find("..") != std::string_view::npos) {
        return false;
    }
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return c == '.' || is_atext(static_cast<unsigned char>(c)); });
}

// RFC 5321 Quoted-string with qtextSMTP and quoted-pairSMTP; `text` includes the quotes.
bool is_quoted_string(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') {
        return false;
    }
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\\') {
            ++i;
            if (i + 1 >= text.size()) {
                return false;  // the backslash escaped the closing quote
            }
        } else if (c == '"') {
            return false;
        }
    }
    return true;
}

bool is_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
    }
    return std::all_of(label.begin(), label.end(), [](char c) {
        unsigned char octet = static_cast<unsigned char>(c);
        return is_ascii_alnum(octet) || octet == '-' || octet >= 0x80;
    });
}

bool is_address_literal(std::string_view text) {
    if (text.size() < 3 || text.front() != '[' || text.back() != ']') {
        return false;
    }
    std::string inner(text.substr(1, text.size() - 2));
    unsigned char buffer[16];
    if (::inet_pton(AF_INET, inner.c_str(), buffer) == 1) {
        return true;
    }
    std::size_t colon = inner.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == inner.size()) {
        return false;
    }
    std::string_view tag = std::string_view(inner).substr(0, colon);
    std::string content = inner.substr(colon + 1);
    if (equals_ignoring_case(tag, "IPv6")) {
        return ::inet_pton(AF_INET6, content.c_str(), buffer) == 1;
    }
    // General-address-literal: Standardized-tag ":" 1*dcontent.
    return is_label(tag) && std::all_of(content.begin(), content.end(), [](char c) {
               return c >= 33 && c <= 126 && c != '[' && c != '\\' && c != ']';
           });
}

bool is_domain(std::string_view domain) {
    if (!domain.empty() && domain.front() == '[') {
        return is_address_literal(domain);
    }
    if (domain.empty()) {
        return false;
    }
    for (;;) {
        std::size_t dot = domain.find('.');
        if (!is_label(domain.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        domain.remove_prefix(dot + 1);
    }
}

// "@a,@b:" before the mailbox; returns the mailbox, or an error reason in `reason`.
std::string_view drop_source_route(std::string_view inner, std::string& reason) {
    if (inner.empty() || inner.front() != '@') {
        return inner;
    }
    std::size_t colon = inner.find(':');
    if (colon == std::string_view::npos) {
        reason = "source route without ':'";
        return {};
    }
    std::string_view route = inner.substr(0, colon);
    while (!route.empty()) {
        std::size_t comma = route.find(',');
        std::string_view hop = route.substr(0, comma);
        if (hop.size() < 2 || hop.front() != '@' || !is_domain(hop.substr(1))) {
            reason = "malformed source route";
            return {};
        }
        route = comma == std::string_view::npos ? std::string_view{} : route.substr(comma + 1);
        if (comma != std::string_view::npos && route.empty()) {
            reason = "malformed source route";
            return {};
        }
    }
    return inner.substr(colon + 1);
}

// Where the local part ends: after its closing quote, or at the first '@'.
std::size_t local_part_end(std::string_view mailbox) {
    if (mailbox.empty() || mailbox.front() != '"') {
        return mailbox.find('@');
    }
    for (std::size_t i = 1; i < mailbox.size(); ++i) {
        if (mailbox[i] == '\\') {
            ++i;
        } else if (mailbox[i] == '"') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

PathCheck check_mailbox(std::string_view mailbox, PathRules rules) {
    if (rules.allow_postmaster && equals_ignoring_case(mailbox, "postmaster")) {
        return PathCheck{PathProblem::None, {}, std::string(mailbox)};
    }
    std::size_t end = local_part_end(mailbox);
    if (end == std::string_view::npos || end >= mailbox.size() || mailbox[end] != '@') {
        return fail(PathProblem::Syntax, "address must be local-part@domain");
    }
    std::string_view local = mailbox.substr(0, end);
    std::string_view domain = mailbox.substr(end + 1);
    if (local.empty()) {
        return fail(PathProblem::Syntax, "empty local part");
    }
    if (local.size() > max_local_part_length) {
        return fail(PathProblem::TooLong, "local part over 64 octets");
    }
    if (domain.size() > max_domain_length) {
        return fail(PathProblem::TooLong, "domain over 255 octets");
    }
    if (local.front() != '"' && local.find(' ') != std::string_view::npos) {
        return fail(PathProblem::Syntax, "space outside quotes in local part");
    }
    if (!(local.front() == '"' ? is_quoted_string(local) : is_dot_string(local))) {
        return fail(PathProblem::Syntax, "malformed local part");
    }
    if (!is_domain(domain)) {
        return fail(PathProblem::Syntax, "malformed domain");
    }
    return PathCheck{PathProblem::None, {}, std::string(mailbox)};
}

// Control characters anywhere, and non-ASCII without SMTPUTF8, are refused before the
// structure is looked at: this is what keeps CR and LF out of headers.
PathCheck check_characters(std::string_view inner, PathRules rules) {
    bool non_ascii = false;
    for (char c : inner) {
        unsigned char octet = static_cast<unsigned char>(c);
        if (octet < 0x20 || octet == 0x7f) {
            return fail(PathProblem::Syntax, "control character in address");
        }
        non_ascii = non_ascii || octet >= 0x80;
    }
    if (non_ascii && !rules.allow_utf8) {
        return fail(PathProblem::NeedsSmtputf8, "non-ASCII address without SMTPUTF8");
    }
    if (non_ascii && !is_valid_utf8(inner)) {
        return fail(PathProblem::Syntax, "malformed UTF-8 in address");
    }
    return PathCheck{};
}

}  // namespace

std::size_t find_path_end(std::string_view text) {
    if (text.empty() || text.front() != '<') {
        return 0;
    }
    bool quoted = false;
    for (std::size_t i = 1; i < text.size(); ++i) {
        char c = text[i];
        if (quoted && c == '\\') {
            ++i;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (c == '>' && !quoted) {
            return i + 1;
        }
    }
    return 0;
}

PathCheck check_path(std::string_view path, PathRules rules) {
    if (path.size() < 2 || path.front() != '<' || path.back() != '>') {
        return fail(PathProblem::Syntax, "address must be enclosed in <>");
    }
    if (path.size() > max_path_length) {
        return fail(PathProblem::TooLong, "path over 256 octets");
    }
    std::string_view inner = path.substr(1, path.size() - 2);
    if (PathCheck characters = check_characters(inner, rules); !characters.ok()) {
        return characters;
    }
    if (inner.empty()) {
        return rules.allow_null ? PathCheck{} : fail(PathProblem::Syntax, "empty address");
    }
    std::string reason;
    std::string_view mailbox = drop_source_route(inner, reason);
    if (!reason.empty()) {
        return fail(PathProblem::Syntax, reason);
    }
    return check_mailbox(mailbox, rules);
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        unsigned char lead = static_cast<unsigned char>(text[i]);
        std::size_t length = lead < 0x80   ? 1
                             : lead < 0xc2 ? 0
                             : lead < 0xe0 ? 2
                             : lead < 0xf0 ? 3
                             : lead < 0xf5 ? 4
                                           : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        unsigned char second = length > 1 ? static_cast<unsigned char>(text[i + 1]) : 0x80;
        // The second octet's range rules out overlong forms, surrogates and past U+10FFFF.
        unsigned char low = (lead == 0xe0) ? 0xa0 : (lead == 0xf0) ? 0x90 : 0x80;
        unsigned char high = (lead == 0xed) ? 0x9f : (lead == 0xf4) ? 0x8f : 0xbf;
        if (length > 1 && (second < low || second > high)) {
            return false;
        }
        for (std::size_t k = 2; k < length; ++k) {
            unsigned char next = static_cast<unsigned char>(text[i + k]);
            if (next < 0x80 || next > 0xbf) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

}  // namespace sealpost::smtp::server
