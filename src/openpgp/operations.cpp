#include "openpgp/operations.hpp"

#include <sodium.h>

#include <algorithm>

namespace sealpost::openpgp {

std::string sign_data(Keyring& keyring, std::string_view data,
                      const std::vector<std::string>& signers, SignMode mode, bool armor);
std::string sign_cleartext(Keyring& keyring, std::string_view data,
                           const std::vector<std::string>& signers);
std::string sign_pieces(Keyring& keyring, Pieces data, const std::vector<std::string>& signers,
                        SignMode mode, bool armor);

namespace {

// An output that keeps at most `cap` bytes and remembers if more were offered, so a
// compression bomb fails as LimitExceeded instead of exhausting memory.
struct BoundedSink {
    std::string data;
    std::size_t cap = 0;
    bool overflowed = false;

    static bool write(void* ctx, const void* buf, size_t len) {
        auto* self = static_cast<BoundedSink*>(ctx);
        if (self->data.size() + len > self->cap) {
            self->overflowed = true;
            return false;
        }
        self->data.append(static_cast<const char*>(buf), len);
        return true;
    }
};

void wipe(std::string& data) {
    sodium_memzero(data.data(), data.size());
    data.clear();
}

rnp::Output bounded_output(BoundedSink& sink) {
    rnp_output_t raw = nullptr;
    rnp::check(rnp_output_to_callback(&raw, &BoundedSink::write, nullptr, &sink), "open output");
    return rnp::Output(raw);
}

rnp::Key find_secret(Keyring& keyring, const std::string& fingerprint) {
    auto key = keyring.find(fingerprint);
    bool secret = false;
    rnp_key_have_secret(key.get(), &secret);
    if (!secret) {
        throw Error(ErrorKind::Unusable, "no secret key for " + fingerprint + " to sign with");
    }
    return key;
}

SignatureStatus status_from(rnp_result_t rc) {
    switch (rc) {
        case RNP_SUCCESS:
            return SignatureStatus::Good;
        case RNP_ERROR_SIGNATURE_EXPIRED:
            return SignatureStatus::Expired;
        case RNP_ERROR_KEY_NOT_FOUND:
            return SignatureStatus::UnknownKey;
        case RNP_ERROR_SIGNATURE_INVALID:
            return SignatureStatus::Bad;
        default:
            return SignatureStatus::Error;
    }
}

std::vector<SignatureCheck> read_signatures(rnp_op_verify_t op, const Limits& limits) {
    size_t count = 0;
    rnp::check(rnp_op_verify_get_signature_count(op, &count), "count signatures");
    if (count > limits.max_signatures) {
        throw Error(ErrorKind::LimitExceeded, "message carries " + std::to_string(count) +
                                                  " signatures, more than the limit of " +
                                                  std::to_string(limits.max_signatures));
    }
    std::vector<SignatureCheck> checks;
    for (size_t i = 0; i < count; ++i) {
        rnp_op_verify_signature_t sig = nullptr;
        rnp::check(rnp_op_verify_get_signature_at(op, i, &sig), "read signature");
        SignatureCheck check;
        check.status = status_from(rnp_op_verify_signature_get_status(sig));
        uint32_t created = 0;
        uint32_t expires = 0;
        rnp_op_verify_signature_get_times(sig, &created, &expires);
        check.created = created;
        rnp_key_handle_t key = nullptr;
        if (rnp_op_verify_signature_get_key(sig, &key) == RNP_SUCCESS && key) {
            rnp::Key owned(key);
            char* primary = nullptr;
            if (rnp_key_get_primary_fprint(owned.get(), &primary) == RNP_SUCCESS && primary) {
                check.signer = rnp::take_string(primary);
            } else {
                check.signer = fingerprint_of(owned.get());
            }
        } else {
            rnp_signature_handle_t handle = nullptr;
            if (rnp_op_verify_signature_get_handle(sig, &handle) == RNP_SUCCESS) {
                rnp::Signature owned(handle);
                char* keyid = nullptr;
                rnp_signature_get_keyid(owned.get(), &keyid);
                check.signer = rnp::take_string(keyid);
            }
        }
        checks.push_back(check);
    }
    return checks;
}

bool is_signature_failure(rnp_result_t rc) {
    return rc == RNP_ERROR_SIGNATURE_INVALID || rc == RNP_ERROR_SIGNATURE_EXPIRED ||
           rc == RNP_ERROR_KEY_NOT_FOUND;
}

void check_output(rnp_result_t rc, const BoundedSink& sink, const Limits& limits) {
    if (sink.overflowed) {
        throw Error(ErrorKind::LimitExceeded, "decrypted output exceeds the limit of " +
                                                  std::to_string(limits.max_output_bytes) +
                                                  " bytes; nothing was written");
    }
    if (rc == RNP_ERROR_NO_SUITABLE_KEY) {
        throw Error(ErrorKind::Unusable, "no secret key here can decrypt this message");
    }
    if (rc == RNP_ERROR_BAD_PASSWORD) {
        throw Error(ErrorKind::WrongPassphrase, "the passphrase does not unlock the secret key");
    }
}

}  // namespace

// RFC 4880 §7: the line ending before "-----BEGIN PGP SIGNATURE-----" belongs to the
// framework, not to the text. librnp always writes CRLF there and in the armor, whatever the
// text uses; so the text's own last line ending is dropped before signing, and a text written
// with LF gets its framework in LF too. Verifiers then give back exactly the text.
std::string sign_cleartext(Keyring& keyring, std::string_view data,
                           const std::vector<std::string>& signers) {
    bool crlf = data.find("\r\n") != std::string_view::npos;
    std::string_view text = data;
    if (text.ends_with("\r\n")) {
        text.remove_suffix(2);
    } else if (text.ends_with("\n")) {
        text.remove_suffix(1);
    }
    auto signed_text = sign_data(keyring, text, signers, SignMode::Cleartext, true);
    if (crlf) {
        return signed_text;
    }
    std::string lf;
    lf.reserve(signed_text.size());
    for (std::size_t i = 0; i < signed_text.size(); ++i) {
        if (!(signed_text[i] == '\r' && i + 1 < signed_text.size() && signed_text[i + 1] == '\n')) {
            lf += signed_text[i];
        }
    }
    return lf;
}

const char* to_string(SignatureStatus status) {
    switch (status) {
        case SignatureStatus::Good:
            return "good";
        case SignatureStatus::Bad:
            return "bad";
        case SignatureStatus::Expired:
            return "expired";
        case SignatureStatus::UnknownKey:
            return "unknown-key";
        case SignatureStatus::Error:
            return "error";
    }
    return "error";
}

std::string encrypt(Keyring& keyring, std::string_view data,
                    const std::vector<std::string>& recipients,
                    const std::vector<std::string>& signers, const EncryptOptions& options) {
    std::string out;
    std::string_view pieces[] = {data};
    encrypt_to(keyring, pieces, recipients, signers, options,
               [&out](std::string_view chunk) { out.append(chunk); });
    return out;
}

void encrypt_to(Keyring& keyring, Pieces data, const std::vector<std::string>& recipients,
                const std::vector<std::string>& signers, const EncryptOptions& options,
                const Writer& write) {
    if (recipients.empty()) {
        throw Error(ErrorKind::BadInput, "encryption needs at least one recipient");
    }
    rnp::PiecesReader reader{data};
    auto input = rnp::input_from(reader);
    rnp::CallbackWriter writer{write, nullptr};  // refers to `write`, no copy of it
    auto output = rnp::output_to(writer);
    rnp_op_encrypt_t raw = nullptr;
    rnp::check(rnp_op_encrypt_create(&raw, keyring.ffi(), input.get(), output.get()),
               "start encryption");
    rnp::OpEncrypt op(raw);
    for (const auto& fpr : recipients) {
        auto key = keyring.find(fpr);
        rnp::check(rnp_op_encrypt_add_recipient(op.get(), key.get()),
                   "add recipient " + fpr + " (no usable encryption key)", ErrorKind::Unusable);
    }
    for (const auto& fpr : signers) {
        auto key = find_secret(keyring, fpr);
        rnp::check(rnp_op_encrypt_add_signature(op.get(), key.get(), nullptr), "add signer " + fpr,
                   ErrorKind::Unusable);
    }
    rnp::check(rnp_op_encrypt_set_armor(op.get(), options.armor), "set armor");
    rnp::check(rnp_op_encrypt_set_cipher(op.get(), "AES256"), "set cipher");
    rnp::check(rnp_op_encrypt_set_compression(op.get(), options.compress ? "ZLIB" : "Uncompressed",
                                              options.compress ? 6 : 0),
               "set compression");
    if (options.hide_recipients) {
        rnp::check(rnp_op_encrypt_set_flags(op.get(), 0), "set flags");
        // LIMITATION: librnp 0.16 cannot write anonymous (wildcard key ID) recipients, so a
        // Bcc recipient is protected by getting a message of its own instead.
    }
    rnp_result_t rc = rnp_op_encrypt_execute(op.get());
    if (rc == RNP_SUCCESS) {
        rc = rnp_output_finish(output.get());  // what the armor writer still holds
    }
    if (writer.failure) {
        std::rethrow_exception(writer.failure);
    }
    rnp::check(rc, "encrypt", ErrorKind::Unusable);
}

std::string sign(Keyring& keyring, std::string_view data, const std::vector<std::string>& signers,
                 SignMode mode, bool armor) {
    if (mode == SignMode::Cleartext) {
        return sign_cleartext(keyring, data, signers);
    }
    return sign_data(keyring, data, signers, mode, armor);
}

std::string sign_data(Keyring& keyring, std::string_view data,
                      const std::vector<std::string>& signers, SignMode mode, bool armor) {
    std::string_view pieces[] = {data};
    return sign_pieces(keyring, pieces, signers, mode, armor);
}

std::string sign_detached(Keyring& keyring, Pieces data, const std::vector<std::string>& signers) {
    return sign_pieces(keyring, data, signers, SignMode::Detached, true);
}

std::string sign_pieces(Keyring& keyring, Pieces data, const std::vector<std::string>& signers,
                        SignMode mode, bool armor) {
    if (signers.empty()) {
        throw Error(ErrorKind::BadInput, "signing needs a signer");
    }
    rnp::PiecesReader reader{data};
    auto input = rnp::input_from(reader);
    auto output = rnp::output_to_memory();
    rnp_op_sign_t raw = nullptr;
    auto create = mode == SignMode::Detached    ? rnp_op_sign_detached_create
                  : mode == SignMode::Cleartext ? rnp_op_sign_cleartext_create
                                                : rnp_op_sign_create;
    rnp::check(create(&raw, keyring.ffi(), input.get(), output.get()), "start signing");
    rnp::OpSign op(raw);
    for (const auto& fpr : signers) {
        auto key = find_secret(keyring, fpr);
        rnp::check(rnp_op_sign_add_signature(op.get(), key.get(), nullptr), "add signer " + fpr,
                   ErrorKind::Unusable);
    }
    rnp::check(rnp_op_sign_set_armor(op.get(), armor || mode == SignMode::Cleartext), "set armor");
    if (mode == SignMode::Inline) {
        rnp::check(rnp_op_sign_set_compression(op.get(), "Uncompressed", 0), "set compression");
    }
    rnp_result_t rc = rnp_op_sign_execute(op.get());
    if (rc == RNP_ERROR_BAD_PASSWORD) {
        throw Error(ErrorKind::WrongPassphrase, "the passphrase does not unlock the signing key");
    }
    rnp::check(rc, "sign", ErrorKind::Unusable);
    return rnp::memory_contents(output.get());
}

OpenedMessage decrypt(Keyring& keyring, std::string_view message, const Limits& limits) {
    auto input = rnp::input_from(message);
    BoundedSink sink;
    sink.cap = limits.max_output_bytes;
    // Uncompressed plaintext is smaller than the ciphertext (armor only adds to it): room for
    // that up front spares a large message the copies of a string growing by doubling.
    sink.data.reserve(std::min(sink.cap, message.size() + 4096));
    auto output = bounded_output(sink);
    rnp_op_verify_t raw = nullptr;
    rnp::check(rnp_op_verify_create(&raw, keyring.ffi(), input.get(), output.get()),
               "start decryption");
    rnp::OpVerify op(raw);
    rnp::check(rnp_op_verify_set_flags(op.get(), RNP_VERIFY_IGNORE_SIGS_ON_DECRYPT), "set flags");
    rnp_result_t rc = rnp_op_verify_execute(op.get());
    check_output(rc, sink, limits);

    char* mode_raw = nullptr;
    bool valid = false;
    rnp_op_verify_get_protection_info(op.get(), &mode_raw, nullptr, &valid);
    std::string mode = rnp::take_string(mode_raw);
    if (rc != RNP_SUCCESS && mode.empty()) {
        throw Error(ErrorKind::BadInput,
                    std::string("not a readable OpenPGP message: ") + rnp_result_to_string(rc));
    }
    if (mode == "none") {
        throw Error(ErrorKind::BadInput, "the message is not encrypted (use verify)");
    }
    // librnp hands out plaintext of ciphertext without an MDC and still reports success; a
    // modification-detection failure shows up as rc != success. Either way nothing is
    // released.
    if (!valid || rc != RNP_SUCCESS) {
        wipe(sink.data);
        throw Error(ErrorKind::IntegrityFailure,
                    "refused: the ciphertext has no valid integrity protection (mode=" + mode +
                        (rc != RNP_SUCCESS ? std::string(", ") + rnp_result_to_string(rc) : "") +
                        ")");
    }
    OpenedMessage opened;
    opened.was_encrypted = true;
    opened.protection = mode;
    opened.signatures = read_signatures(op.get(), limits);
    opened.plaintext = std::move(sink.data);
    return opened;
}

OpenedMessage verify(Keyring& keyring, std::string_view data,
                     std::optional<std::string_view> detached_signature, const Limits& limits) {
    auto input = rnp::input_from(data);
    BoundedSink sink;
    sink.cap = limits.max_output_bytes;
    rnp_op_verify_t raw = nullptr;
    rnp::Input signature;
    rnp::Output output;
    if (detached_signature) {
        signature = rnp::input_from(*detached_signature);
        rnp::check(rnp_op_verify_detached_create(&raw, keyring.ffi(), input.get(), signature.get()),
                   "start verification");
    } else {
        output = bounded_output(sink);
        rnp::check(rnp_op_verify_create(&raw, keyring.ffi(), input.get(), output.get()),
                   "start verification");
    }
    rnp::OpVerify op(raw);
    rnp_result_t rc = rnp_op_verify_execute(op.get());
    check_output(rc, sink, limits);
    if (rc != RNP_SUCCESS && !is_signature_failure(rc)) {
        throw Error(ErrorKind::BadInput,
                    std::string("not a readable signed message: ") + rnp_result_to_string(rc));
    }
    OpenedMessage opened;
    opened.signatures = read_signatures(op.get(), limits);
    if (opened.signatures.empty()) {
        throw Error(ErrorKind::BadInput, "the data carries no signature");
    }
    char* mode_raw = nullptr;
    rnp_op_verify_get_protection_info(op.get(), &mode_raw, nullptr, nullptr);
    opened.protection = rnp::take_string(mode_raw);
    opened.was_encrypted = opened.protection != "none" && !opened.protection.empty();
    if (opened.was_encrypted) {
        throw Error(ErrorKind::BadInput, "the message is encrypted (use decrypt)");
    }
    opened.plaintext = std::move(sink.data);
    return opened;
}

}  // namespace sealpost::openpgp
