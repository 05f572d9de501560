// Subject codes: words at either end of the Subject, taken off one by one.
#include "policy/subject_codes.hpp"

#include <algorithm>

#include "policy/wildcard.hpp"

namespace sealpost::policy {

namespace {

constexpr std::string_view blanks = " \t";
constexpr std::string_view em_dash = "\xE2\x80\x94";  // U+2014
constexpr std::string_view en_dash = "\xE2\x80\x93";  // U+2013

// The length of the "--" (or the dash a phone made of it) that starts `word`, or 0.
std::size_t dash_length(std::string_view word) {
    if (word.starts_with("--")) {
        return 2;
    }
    if (word.starts_with(em_dash) || word.starts_with(en_dash)) {
        return em_dash.size();
    }
    return 0;
}

void add_key_request(std::string_view address, SubjectCodes& codes) {
    std::string lowered = ascii_lower(address);
    bool known =
        std::any_of(codes.key_requests.begin(), codes.key_requests.end(),
                    [&](const std::string& other) { return ascii_lower(other) == lowered; });
    if (!known) {
        codes.key_requests.emplace_back(address);
    }
}

// "pgpk<frank@example.com>" → true, with the address added to `codes`.
bool apply_key_request(std::string_view name, SubjectCodes& codes) {
    constexpr std::string_view opening = "pgpk<";
    if (name.size() <= opening.size() + 1 || ascii_lower(name.substr(0, 5)) != opening ||
        name.back() != '>') {
        return false;
    }
    std::string_view address = name.substr(opening.size(), name.size() - opening.size() - 1);
    if (address.find_first_of("<>") != std::string_view::npos) {
        return false;
    }
    add_key_request(address, codes);
    return true;
}

// Records `word` in `codes` if it is a code; false if it is an ordinary word.
bool apply_code(std::string_view word, SubjectCodes& codes) {
    std::size_t dash = dash_length(word);
    if (dash == 0) {
        return false;
    }
    std::string_view name = word.substr(dash);
    std::string lowered = ascii_lower(name);
    if (lowered == "pgps") {
        codes.sign = true;
    } else if (lowered == "pgpe") {
        codes.encrypt = true;
    } else if (lowered == "pgpx") {
        codes.must_encrypt = true;
    } else if (lowered == "pgpk") {
        codes.send_own_key = true;
    } else {
        return apply_key_request(name, codes);
    }
    return true;
}

// Takes the codes off the front of `rest`, with the blanks after them.
void take_leading(std::string_view& rest, SubjectCodes& codes) {
    bool took = false;
    for (;;) {
        std::size_t start = rest.find_first_not_of(blanks);
        if (start == std::string_view::npos) {
            if (took) {
                rest = {};
            }
            return;
        }
        std::size_t end = std::min(rest.find_first_of(blanks, start), rest.size());
        if (!apply_code(rest.substr(start, end - start), codes)) {
            if (took) {
                rest.remove_prefix(start);
            }
            return;
        }
        took = true;
        rest.remove_prefix(end);
    }
}

// Takes the codes off the end of `rest`, with the blanks before them.
void take_trailing(std::string_view& rest, SubjectCodes& codes) {
    bool took = false;
    for (;;) {
        std::size_t last = rest.find_last_not_of(blanks);
        if (last == std::string_view::npos) {
            if (took) {
                rest = {};
            }
            return;
        }
        std::size_t blank = rest.find_last_of(blanks, last);
        std::size_t start = blank == std::string_view::npos ? 0 : blank + 1;
        if (!apply_code(rest.substr(start, last + 1 - start), codes)) {
            if (took) {
                rest = rest.substr(0, last + 1);
            }
            return;
        }
        took = true;
        rest = rest.substr(0, start);
    }
}

}  // namespace

ParsedSubject parse_subject(std::string_view subject) {
    ParsedSubject parsed;
    std::string_view rest = subject;
    take_leading(rest, parsed.codes);
    take_trailing(rest, parsed.codes);
    parsed.text = std::string(rest);
    return parsed;
}

}  // namespace sealpost::policy
