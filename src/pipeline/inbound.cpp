// The inbound treatment for one local recipient: decrypt a whole encrypted message with the
// recipient's own secret keys, verify signatures, and record both in X-Sealpost-* headers.
//
// Only a top-level PGP/MIME multipart/encrypted or an inline block that is the whole body is
// decrypted (EFAIL, DESIGN.md §5): decrypted bytes are never spliced into a MIME tree someone
// else could have wrapped around them. No plaintext reaches a header, a notice or a log line.
#include <algorithm>
#include <optional>

#include "common/error.hpp"
#include "common/log.hpp"
#include "mime/build.hpp"
#include "mime/canonical.hpp"
#include "mime/classify.hpp"
#include "mime/extract.hpp"
#include "pipeline/work.hpp"

namespace sealpost::pipeline {

namespace {

// The armored ciphertext: in the message's own bytes where it can be read in place, else in
// `storage`. Not copyable, so the view cannot outlive what it points into.
struct Ciphertext {
    std::string storage;
    std::string_view armored;
    bool mime = false;  // PGP/MIME: the plaintext is a MIME entity, else text

    Ciphertext() = default;
    Ciphertext(const Ciphertext&) = delete;
    Ciphertext& operator=(const Ciphertext&) = delete;
};

// The ciphertext we may decrypt into `out`, or false and the reason there is none we may.
bool ciphertext_of(const mime::Message& message, Ciphertext& out, std::string& why) {
    if (auto payload = mime::encrypted_payload_view(message, out.storage)) {
        out.armored = *payload;
        out.mime = true;
        return true;
    }
    for (auto& block : mime::inline_blocks(message)) {
        if (block.kind != mime::Kind::InlineEncrypted) {
            continue;
        }
        if (!block.whole_body) {
            why = "not-whole-body";
            return false;
        }
        out.storage = std::move(block.armored);
        out.armored = out.storage;
        return true;
    }
    why = mime::has_nested_pgp_mime(message) ? "nested-pgp-mime" : "not-encrypted";
    return false;
}

std::string failure_reason(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::IntegrityFailure:
            return "no-integrity-protection";
        case ErrorKind::LimitExceeded:
            return "too-large";
        case ErrorKind::Unusable:
            return "no-matching-secret-key";
        case ErrorKind::BadInput:
            return "malformed";
        default:
            return "error";
    }
}

// One header value for all signatures: a bad one wins, then a good one, then the first.
std::optional<std::string> signature_value(const std::vector<openpgp::SignatureCheck>& checks) {
    if (checks.empty()) {
        return std::nullopt;
    }
    const openpgp::SignatureCheck* chosen = &checks.front();
    for (auto status : {openpgp::SignatureStatus::Bad, openpgp::SignatureStatus::Good}) {
        auto it = std::find_if(checks.begin(), checks.end(),
                               [status](const auto& check) { return check.status == status; });
        if (it != checks.end()) {
            chosen = &*it;
            break;
        }
    }
    return std::string(openpgp::to_string(chosen->status)) + "; signer=" + chosen->signer;
}

}  // namespace

// A keyring holding one secret key and nothing else, kept for the next message.
openpgp::Keyring& Processor::decryption_keyring(const keystore::KeyRecord& key) {
    auto& slot = decryption_[key.fingerprint];
    if (!slot) {
        if (decryption_.size() > 1000) {
            decryption_.clear();
            return decryption_keyring(key);
        }
        slot = std::make_unique<keystore::KeyringCache>(keys_);
    }
    return slot->prepare({key}, true);
}

// One recipient's copy of `source`, as the bytes to send on: decrypted straight from the
// source when that works, else a fresh parse of its bytes with the reason it was not.
std::string Processor::inbound(Work& work, const mime::Message& source,
                               const std::string& recipient, const policy::Copy& copy) {
    std::string why_not;
    if (copy.decrypt) {
        if (auto decrypted = decrypt(work, source, recipient, why_not)) {
            // A signature made inside the encryption was checked while decrypting: then
            // nothing is left to ask of the message, which is not parsed again.
            if (!copy.verify || decrypted->signature_checked) {
                return std::move(decrypted->bytes);
            }
            mime::Message message =
                mime::parse_owned(std::move(decrypted->bytes), work.copy_limits());
            verify(work, message);
            return std::move(message).release();
        }
    }
    mime::Message message = mime::parse_owned(source.serialize(), work.copy_limits());
    if (!why_not.empty()) {
        message.set_header(decrypted_header, "no; reason=" + why_not);
    }
    if (copy.verify) {
        verify(work, message);
    }
    return std::move(message).release();
}

// The decrypted message, or nothing with the reason in `why_not` (empty when `source` is not
// encrypted at all).
std::optional<Processor::Decrypted> Processor::decrypt(Work& work, const mime::Message& source,
                                                       const std::string& recipient,
                                                       std::string& why_not) {
    std::string why;
    Ciphertext ciphertext;
    bool found = false;
    try {
        found = ciphertext_of(source, ciphertext, why);
    } catch (const Error&) {
        why = "malformed";
    }
    if (!found) {
        why_not = why == "not-encrypted" ? "" : why;
        return std::nullopt;
    }
    why = "no-secret-key";
    for (const auto& key : secret_keys(keys_.store(), recipient)) {
        try {
            openpgp::Keyring& keyring = decryption_keyring(key);
            provide_public_keys(keyring, keys_.store());
            auto opened = openpgp::decrypt(keyring, ciphertext.armored, work.pgp_limits);
            std::string entity =
                ciphertext.mime ? std::move(opened.plaintext) : mime::text_entity(opened.plaintext);
            std::string decrypted_value = "yes (key " + key.fingerprint + ")";
            std::vector<mime::Field> fields{{decrypted_header, decrypted_value}};
            auto signature = signature_value(opened.signatures);
            if (signature) {
                fields.push_back({signature_header, *signature});
            }
            Decrypted out{
                mime::replace_body_bytes(source, std::move(entity), fields, work.mime_limits),
                signature.has_value()};
            log::info(
                "pipeline", "decrypted",
                {{"queue_id", work.queue_id}, {"recipient", recipient}, {"key", key.fingerprint}});
            return out;
        } catch (const Error& e) {
            why = failure_reason(e.kind());
            if (e.kind() != ErrorKind::Unusable) {
                break;  // the ciphertext itself is at fault: another key will not help
            }
        }
    }
    why_not = why;
    log::warn("pipeline", "not-decrypted",
              {{"queue_id", work.queue_id}, {"recipient", recipient}, {"reason", why}});
    return std::nullopt;
}

void Processor::verify(Work& work, mime::Message& message) {
    // A keyring of its own: public keys loaded here must not sit in the cache, which could
    // not add their secret parts later.
    openpgp::Keyring keyring;
    provide_public_keys(keyring, keys_.store());
    std::optional<std::string> value;
    try {
        if (auto parts = mime::signed_parts(message)) {
            auto opened =
                openpgp::verify(keyring, parts->entity, parts->signature, work.pgp_limits);
            value = signature_value(opened.signatures);
        } else {
            for (const auto& block : mime::inline_blocks(message)) {
                if (block.kind == mime::Kind::InlineSigned) {
                    auto opened =
                        openpgp::verify(keyring, block.armored, std::nullopt, work.pgp_limits);
                    value = signature_value(opened.signatures);
                    break;
                }
            }
        }
    } catch (const Error& e) {
        value = "error; reason=" + failure_reason(e.kind());
    }
    if (value) {
        message.set_header(signature_header, *value);
        log::info("pipeline", "verified", {{"queue_id", work.queue_id}, {"result", *value}});
    }
}

}  // namespace sealpost::pipeline
