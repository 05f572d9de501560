// Password hashing for directory accounts: Argon2id through libsodium's crypto_pwhash_str, with
// the INTERACTIVE limits (64 MiB, 2 passes; about 0.1 s). Why not MODERATE (256 MiB, ~0.7 s):
// SMTP AUTH verifies a password per connection on a shared server, where a few concurrent
// logins at MODERATE would take gigabytes and seconds; INTERACTIVE is libsodium's choice for
// online logins. The hash string records its own parameters, so raising the limits later only
// means rehashing on the next successful login (needs_rehash()).
#pragma once

#include <string>

#include "common/secret.hpp"

namespace sealpost::directory {

constexpr std::size_t max_password_length = 1024;

// The `$argon2id$...` string for `password`. Throws Error(BadInput) for an empty or overlong
// password, Error(Temporary) when the memory for hashing is not available.
std::string hash_password(const Secret& password);

// True when `hash` (from hash_password) matches `password`; false for a malformed hash.
bool password_matches(const std::string& hash, const Secret& password);

// True when `hash` was made with other limits than hash_password() uses now.
bool needs_rehash(const std::string& hash);

// Spends the time of one verification and returns false: for an unknown account, so that
// timing does not reveal which accounts exist.
bool verify_against_nothing(const Secret& password);

}  // namespace sealpost::directory
