#include "openpgp/generate.hpp"

#include <limits>

#include "common/log.hpp"

namespace sealpost::openpgp {

namespace {

std::uint32_t rsa_bits(KeyAlgorithm algorithm) {
    switch (algorithm) {
        case KeyAlgorithm::Rsa1024:
            return 1024;
        case KeyAlgorithm::Rsa2048:
            return 2048;
        case KeyAlgorithm::Rsa3072:
            return 3072;
        case KeyAlgorithm::Rsa4096:
            return 4096;
        case KeyAlgorithm::Ed25519:
            break;
    }
    return 0;
}

std::uint32_t expiration_seconds(std::uint32_t days) {
    constexpr std::uint32_t max_days = std::numeric_limits<std::uint32_t>::max() / 86400;
    if (days > max_days) {
        throw Error(ErrorKind::BadInput, "expiry of " + std::to_string(days) + " days is too far");
    }
    return days * 86400;
}

void set_common(rnp_op_generate_t op, const GenerateRequest& request, const Secret& passphrase) {
    rnp::check(rnp_op_generate_set_expiration(op, expiration_seconds(request.expires_days)),
               "set key expiration");
    rnp::check(rnp_op_generate_set_protection_password(op, passphrase.reveal().c_str()),
               "set key protection");
    if (request.s2k_iterations != 0) {
        rnp::check(rnp_op_generate_set_protection_iterations(
                       op, static_cast<std::uint32_t>(request.s2k_iterations)),
                   "set key protection iterations");
    }
}

}  // namespace

KeyAlgorithm parse_key_algorithm(std::string_view name) {
    if (name == "ed25519")
        return KeyAlgorithm::Ed25519;
    if (name == "rsa1024")
        return KeyAlgorithm::Rsa1024;
    if (name == "rsa" || name == "rsa2048")
        return KeyAlgorithm::Rsa2048;
    if (name == "rsa3072")
        return KeyAlgorithm::Rsa3072;
    if (name == "rsa4096")
        return KeyAlgorithm::Rsa4096;
    throw Error(ErrorKind::BadInput, "unknown key algorithm '" + std::string(name) +
                                         "' (use ed25519, rsa1024, rsa2048, rsa3072 or rsa4096)");
}

std::string to_string(KeyAlgorithm algorithm) {
    auto bits = rsa_bits(algorithm);
    return bits == 0 ? "ed25519" : "rsa" + std::to_string(bits);
}

std::string generate(Keyring& keyring, const GenerateRequest& request, const Secret& passphrase) {
    if (passphrase.empty()) {
        throw Error(ErrorKind::BadInput, "a secret key must be protected by a passphrase");
    }
    bool rsa = request.algorithm != KeyAlgorithm::Ed25519;
    if (request.algorithm == KeyAlgorithm::Rsa1024) {
        log::warn("openpgp", "weak-key-generated",
                  {{"algorithm", "rsa1024"}, {"why", "RSA-1024 is breakable; use 2048 or more"}});
    }

    rnp_op_generate_t raw = nullptr;
    rnp::check(rnp_op_generate_create(&raw, keyring.ffi(), rsa ? "RSA" : "EDDSA"),
               "start key generation");
    rnp::OpGenerate primary(raw);
    if (rsa) {
        rnp::check(rnp_op_generate_set_bits(primary.get(), rsa_bits(request.algorithm)),
                   "set key size");
    }
    rnp::check(rnp_op_generate_set_userid(primary.get(), request.user_id.c_str()), "set user ID");
    rnp::check(rnp_op_generate_add_usage(primary.get(), "sign"), "set key usage");
    rnp::check(rnp_op_generate_add_usage(primary.get(), "certify"), "set key usage");
    set_common(primary.get(), request, passphrase);
    rnp::check(rnp_op_generate_execute(primary.get()), "generate primary key");

    rnp_key_handle_t key_raw = nullptr;
    rnp::check(rnp_op_generate_get_key(primary.get(), &key_raw), "read generated key");
    rnp::Key key(key_raw);

    // The primary key is already protected; librnp asks for its passphrase to sign the
    // subkey binding.
    keyring.set_passphrase(passphrase);
    rnp::check(rnp_op_generate_subkey_create(&raw, keyring.ffi(), key.get(), rsa ? "RSA" : "ECDH"),
               "start subkey generation");
    rnp::OpGenerate subkey(raw);
    if (rsa) {
        rnp::check(rnp_op_generate_set_bits(subkey.get(), rsa_bits(request.algorithm)),
                   "set subkey size");
    } else {
        rnp::check(rnp_op_generate_set_curve(subkey.get(), "Curve25519"), "set subkey curve");
    }
    rnp::check(rnp_op_generate_add_usage(subkey.get(), "encrypt"), "set subkey usage");
    set_common(subkey.get(), request, passphrase);
    rnp::check(rnp_op_generate_execute(subkey.get()), "generate encryption subkey");
    return fingerprint_of(key.get());
}

}  // namespace sealpost::openpgp
