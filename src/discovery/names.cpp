#include "discovery/names.hpp"

#include "common/error.hpp"

namespace sealpost::discovery {

namespace {

std::string port_suffix(int https_port) {
    return https_port == 443 ? std::string() : ":" + std::to_string(https_port);
}

}  // namespace

MailAddress split_address(std::string_view address) {
    auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) {
        throw Error(ErrorKind::BadInput, "'" + std::string(address) + "' is not an address");
    }
    return {std::string(address.substr(0, at)), std::string(address.substr(at + 1))};
}

// LIMITATION: the local part goes into ?l= unescaped; local parts with characters that need
// percent-encoding (rare in practice) give a URL the server may not understand.
std::string wkd_advanced_url(const MailAddress& address, int https_port) {
    return "https://openpgpkey." + address.domain + port_suffix(https_port) +
           "/.well-known/openpgpkey/" + address.domain + "/hu/" + wkd_hash(address.local) +
           "?l=" + address.local;
}

std::string wkd_direct_url(const MailAddress& address, int https_port) {
    return "https://" + address.domain + port_suffix(https_port) + "/.well-known/openpgpkey/hu/" +
           wkd_hash(address.local) + "?l=" + address.local;
}

std::string pka_owner_name(const MailAddress& address) {
    return address.local + "._pka." + address.domain;
}

std::string dane_owner_name(const MailAddress& address) {
    return openpgp::openpgpkey_label(address.local) + "._openpgpkey." + address.domain;
}

}  // namespace sealpost::discovery
