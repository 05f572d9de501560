// The names under which the key server publishes a key: WKD hashes (z-base-32 of SHA-1) and
// the RFC 7929 owner label (SHA2-256, first 28 octets).
#pragma once

#include <string>
#include <string_view>

namespace sealpost::keyserver {

// z-base-32 as the WKD draft spells its hashes: 5 bits a character, no padding.
std::string zbase32(std::string_view bytes);

// z-base-32 of the SHA-1 of the ASCII-lower-cased local part: 32 characters.
std::string wkd_hash(std::string_view local_part);

// Hex of the first 28 octets of SHA2-256 of the local part, as RFC 7929 §3 names the record.
std::string openpgpkey_label(std::string_view local_part);

std::string ascii_lower(std::string_view text);

}  // namespace sealpost::keyserver
