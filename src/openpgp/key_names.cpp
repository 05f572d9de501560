#include "openpgp/key_names.hpp"

#include <openssl/sha.h>

#include <array>
#include <cstdint>

namespace sealpost::openpgp {

std::string zbase32(std::string_view bytes) {
    static constexpr std::string_view alphabet = "ybndrfg8ejkmcpqxot1uwisza345h769";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out += alphabet[(buffer >> bits) & 31];
        }
    }
    if (bits > 0) {
        out += alphabet[(buffer << (5 - bits)) & 31];
    }
    return out;
}

std::string wkd_hash(std::string_view local_part) {
    std::string lower(local_part);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
    SHA1(reinterpret_cast<const unsigned char*>(lower.data()), lower.size(), digest.data());
    return zbase32(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string openpgpkey_label(std::string_view local_part) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(local_part.data()), local_part.size(),
           digest.data());
    static constexpr std::string_view hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < 28; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

}  // namespace sealpost::openpgp
