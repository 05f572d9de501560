// The names under which a key is published for an address and looked up again: the Web Key
// Directory's hash (draft-koch-openpgp-webkey-service §3.1) and the owner label of an RFC 7929
// OPENPGPKEY record. The key server and key discovery must agree on them byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::openpgp {

// z-base-32 (Zooko's human-oriented base 32) as WKD spells its hashes: 5 bits a character,
// most significant first, no padding.
std::string zbase32(std::string_view bytes);

// z-base-32 of the SHA-1 of the ASCII-lower-cased local part: 32 characters.
std::string wkd_hash(std::string_view local_part);

// Hex of the first 28 octets of the SHA2-256 of the local part as given (RFC 7929 §3).
std::string openpgpkey_label(std::string_view local_part);

}  // namespace sealpost::openpgp
