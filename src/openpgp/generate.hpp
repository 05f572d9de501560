// Key generation (DESIGN.md §4): Ed25519 signing with a Cv25519 encryption subkey by default,
// or RSA with an RSA encryption subkey.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/secret.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::openpgp {

enum class KeyAlgorithm { Ed25519, Rsa1024, Rsa2048, Rsa3072, Rsa4096 };

// "ed25519", "rsa1024", "rsa2048", "rsa3072", "rsa4096"; throws Error(BadInput) otherwise.
KeyAlgorithm parse_key_algorithm(std::string_view name);
std::string to_string(KeyAlgorithm algorithm);

struct GenerateRequest {
    std::string user_id;  // "Alice <alice@example.org>"
    KeyAlgorithm algorithm = KeyAlgorithm::Ed25519;
    std::uint32_t expires_days = 0;  // 0 = never
    std::size_t s2k_iterations = 0;  // 0 = librnp's calibrated default (slow on purpose)
};

// Generates the key pair into `keyring`, its secret parts protected with `passphrase`, and
// returns the primary key's fingerprint.
std::string generate(Keyring& keyring, const GenerateRequest& request, const Secret& passphrase);

}  // namespace sealpost::openpgp
