// How the directory spells domains, addresses and group names.
#include "common/error.hpp"
#include "directory/directory.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::directory {

namespace {

constexpr std::size_t max_group_length = 64;

// The bytes rules.txt accepts in GROUP:name, so every group can be named in a rule.
bool is_group_byte(unsigned char c) {
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '@';
}

}  // namespace

std::string domain_of(std::string_view normalised_address) {
    auto at = normalised_address.rfind('@');
    return std::string(at == std::string_view::npos ? std::string_view()
                                                    : normalised_address.substr(at + 1));
}

std::string normalise_domain(std::string_view domain) {
    auto first = domain.find_first_not_of(" \t");
    domain = first == std::string_view::npos ? std::string_view() : domain.substr(first);
    domain = domain.substr(0, domain.find_last_not_of(" \t") + 1);
    if (domain.empty() || domain.find('@') != std::string_view::npos) {
        throw Error(ErrorKind::BadInput, "not a domain: '" + std::string(domain) + "'");
    }
    // A domain is valid where an address in it would be.
    try {
        return domain_of(openpgp::normalise_address("anybody@" + std::string(domain)));
    } catch (const Error&) {
        throw Error(ErrorKind::BadInput, "not a domain: '" + std::string(domain) + "'");
    }
}

std::string normalise_group(std::string_view group) {
    if (group.empty()) {
        throw Error(ErrorKind::BadInput, "empty group name");
    }
    if (group.size() > max_group_length) {
        throw Error(ErrorKind::BadInput,
                    "a group name is at most " + std::to_string(max_group_length) + " bytes");
    }
    std::string out;
    for (unsigned char c : group) {
        if (!is_group_byte(c)) {
            throw Error(ErrorKind::BadInput, "bad character in group name '" + std::string(group) +
                                                 "' (letters, digits, - _ . @ only)");
        }
        out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return out;
}

}  // namespace sealpost::directory
