#include "http/keyserver/dns_records.hpp"

#include "http/keyserver/names.hpp"

namespace sealpost::keyserver {

std::string base64(std::string_view bytes) {
    static constexpr std::string_view alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                     (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                     static_cast<unsigned char>(bytes[i + 2]);
        for (int shift = 18; shift >= 0; shift -= 6) {
            out += alphabet[(v >> shift) & 63];
        }
    }
    std::size_t left = bytes.size() - i;
    if (left > 0) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (left == 2) {
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += left == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::vector<std::string> dns_records(KeySource& source, const std::string& base,
                                     const std::string& domain) {
    std::vector<std::string> out;
    for (const auto& [address, key] : source.one_per_address()) {
        auto at = address.rfind('@');
        std::string local = address.substr(0, at);
        std::string zone = address.substr(at + 1);
        if (!domain.empty() && zone != domain) {
            continue;
        }
        out.push_back(local + "._pka." + zone + ". IN TXT \"v=pka1;fpr=" + key.record.fingerprint +
                      ";uri=" + base + "/WorldClient.dll?View=MDPGP&k=" + key.record.key_id + "\"");
        out.push_back(openpgpkey_label(local) + "._openpgpkey." + zone + ". IN OPENPGPKEY " +
                      base64(minimal_public_key(key, address)));
    }
    return out;
}

}  // namespace sealpost::keyserver
