// What Sealpost knows about one OpenPGP key (a primary key with its subkeys and user IDs),
// read from librnp: the metadata of DESIGN.md §4 that the keystore keeps beside the packets.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::openpgp {

struct KeyInfo {
    std::string fingerprint;  // upper-case hex, 40 characters for v4 keys
    std::string key_id;       // last 8 bytes of the fingerprint, 16 hex
    std::vector<std::string> user_ids;
    std::vector<std::string> addresses;   // normalised addresses from the user IDs, no duplicates
    std::vector<std::string> subkey_ids;  // 16-hex key IDs of the subkeys (messages name these)
    std::string algorithm;                // "EDDSA", "RSA", ...
    std::uint32_t bits = 0;
    std::int64_t created = 0;  // seconds since the epoch
    std::int64_t expires = 0;  // 0 = never
    bool revoked = false;
    bool has_secret = false;
    bool can_encrypt = false;  // the key or a valid subkey may encrypt
    bool can_sign = false;
};

// The address inside a user ID: the part in angle brackets if any, else the whole user ID if
// it looks like an address. Lower-cased domain and local part; nullopt when none is found.
std::optional<std::string> address_from_user_id(std::string_view user_id);

// Lower-cases and trims an address typed by a user; throws Error(BadInput) if it is not one.
std::string normalise_address(std::string_view address);

// True when `text` is 16 hex digits (a key ID) or 40/64 (a fingerprint), with an optional 0x.
bool looks_like_key_id(std::string_view text);
bool looks_like_fingerprint(std::string_view text);
std::string upper_hex(std::string_view text);  // strips 0x and spaces, upper-cases

}  // namespace sealpost::openpgp
