#include "openpgp/key_info.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"

namespace sealpost::openpgp {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
        text.remove_prefix(1);
    }
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
        text.remove_suffix(1);
    }
    return text;
}

bool valid_address(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) {
        return false;
    }
    if (address.size() > 254) {  // RFC 5321 §4.5.3.1.3: a path is at most 256 octets
        return false;
    }
    return std::none_of(address.begin(), address.end(), [](unsigned char c) {
        return c <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f;
    });
}

bool all_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

std::optional<std::string> address_from_user_id(std::string_view user_id) {
    std::string_view candidate = user_id;
    auto open = user_id.rfind('<');
    if (open != std::string_view::npos) {
        auto close = user_id.find('>', open);
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        candidate = user_id.substr(open + 1, close - open - 1);
    }
    candidate = trim(candidate);
    if (!valid_address(candidate)) {
        return std::nullopt;
    }
    return lower(candidate);
}

std::string normalise_address(std::string_view address) {
    auto text = trim(address);
    if (!text.empty() && text.front() == '<' && text.back() == '>') {
        text = text.substr(1, text.size() - 2);
    }
    if (!valid_address(text)) {
        throw Error(ErrorKind::BadInput, "not an email address: '" + std::string(text) + "'");
    }
    return lower(text);
}

std::string upper_hex(std::string_view text) {
    std::string out;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
    }
    for (unsigned char c : text) {
        if (c != ' ') {
            out += static_cast<char>(std::toupper(c));
        }
    }
    return out;
}

bool looks_like_key_id(std::string_view text) {
    auto hex = upper_hex(text);
    return hex.size() == 16 && all_hex(hex);
}

bool looks_like_fingerprint(std::string_view text) {
    auto hex = upper_hex(text);
    return (hex.size() == 40 || hex.size() == 64) && all_hex(hex);
}

}  // namespace sealpost::openpgp
