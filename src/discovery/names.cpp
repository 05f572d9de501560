#include "discovery/names.hpp"

#include <openssl/evp.h>

#include "common/error.hpp"

namespace sealpost::discovery {

namespace {

std::string digest(const EVP_MD* algorithm, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), out, &length, algorithm, nullptr) != 1) {
        throw Error(ErrorKind::Internal, "EVP_Digest failed");
    }
    return std::string(reinterpret_cast<const char*>(out), length);
}

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 15];
    }
    return out;
}

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

std::string zbase32(std::string_view bytes) {
    static constexpr char alphabet[] = "ybndrfg8ejkmcpqxot1uwisza345h769";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            out += alphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out += alphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::string wkd_hash(std::string_view local) {
    std::string lower(local);
    for (auto& c : lower) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return zbase32(digest(EVP_sha1(), lower));
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
    return hex(digest(EVP_sha256(), address.local).substr(0, 28)) + "._openpgpkey." +
           address.domain;
}

}  // namespace sealpost::discovery
