// Encrypt, sign, decrypt and verify on whole messages in memory, with the safety rules of
// DESIGN.md §5: no plaintext leaves decrypt() unless integrity protection checked out, and
// decompressed output is capped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "openpgp/keyring.hpp"

namespace sealpost::openpgp {

struct EncryptOptions {
    bool armor = true;
    // Off by default: compression costs several times the time on large messages, and on
    // encrypted mail its ratio can leak what the plaintext was.
    bool compress = false;
    // For a Bcc'd recipient: hide recipient key IDs in the ciphertext.
    bool hide_recipients = false;
};

// Encrypts `data` to every recipient fingerprint and, if `signers` is not empty, signs it
// inside the encryption with each signer's secret key (unlocked for this call only).
std::string encrypt(Keyring& keyring, std::string_view data,
                    const std::vector<std::string>& recipients,
                    const std::vector<std::string>& signers, const EncryptOptions& options = {});

// Bytes given in pieces, read one after the other as one message: a MIME entity's header
// fields and its body (a view into the parsed message) need not be joined first.
using Pieces = std::span<const std::string_view>;

// Receives output chunk by chunk, as librnp writes it.
using Writer = std::function<void(std::string_view)>;

// encrypt() on `data` in pieces, handing the (armored, if asked) ciphertext to `write` as it
// is made: a large message is encrypted without a copy of its input or of its output. An
// exception from `write` stops the encryption and is thrown from here.
void encrypt_to(Keyring& keyring, Pieces data, const std::vector<std::string>& recipients,
                const std::vector<std::string>& signers, const EncryptOptions& options,
                const Writer& write);

enum class SignMode { Inline, Detached, Cleartext };

// An armored detached signature over `data` in pieces.
std::string sign_detached(Keyring& keyring, Pieces data, const std::vector<std::string>& signers);

std::string sign(Keyring& keyring, std::string_view data, const std::vector<std::string>& signers,
                 SignMode mode, bool armor = true);

enum class SignatureStatus { Good, Bad, Expired, UnknownKey, Error };
const char* to_string(SignatureStatus status);

struct SignatureCheck {
    SignatureStatus status = SignatureStatus::Error;
    std::string signer;  // fingerprint when the key is known, else the issuer key ID
    std::int64_t created = 0;
};

struct Limits {
    std::size_t max_output_bytes = 256u << 20;  // decompressed plaintext
    std::size_t max_signatures = 100;
};

struct OpenedMessage {
    std::string plaintext;
    bool was_encrypted = false;
    std::string protection;  // "cfb-mdc", "aead-ocb", ... or "none"
    std::vector<SignatureCheck> signatures;
};

// Decrypts with any secret key in the keyring and checks embedded signatures. Throws
// Error(IntegrityFailure) for ciphertext without valid MDC or AEAD protection,
// Error(LimitExceeded) when the plaintext would pass `limits`, Error(Unusable) when no key
// in the keyring can decrypt it, Error(BadInput) when it is not an encrypted message.
OpenedMessage decrypt(Keyring& keyring, std::string_view message, const Limits& limits = {});

// Checks an inline-signed or cleartext-signed message (and returns its content), or, with
// `detached_signature`, a detached signature over `data`.
OpenedMessage verify(Keyring& keyring, std::string_view data,
                     std::optional<std::string_view> detached_signature, const Limits& limits = {});

}  // namespace sealpost::openpgp
