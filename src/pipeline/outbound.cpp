// The outbound treatment of one copy: PGP/MIME signed (RFC 3156 §5) or encrypted with the
// signature inside (RFC 3156 §6.2, combined method).
#include "common/error.hpp"
#include "common/log.hpp"
#include "mime/build.hpp"
#include "mime/canonical.hpp"
#include "pipeline/work.hpp"

namespace sealpost::pipeline {

namespace {

// librnp signs with SHA-256 unless told otherwise (the key's preference is not consulted).
constexpr std::string_view micalg = "pgp-sha256";

}  // namespace

// One call for all keys of a copy: a local recipient's key goes in with its secret part, so a
// key is not loaded public first and reloaded with its secret part a moment later.
openpgp::Keyring& Processor::keyring_for(const std::vector<keystore::KeyRecord>& keys,
                                         bool secret) {
    return cache_.prepare(keys, secret);
}

std::string Processor::outbound(Work& work, const policy::Copy& copy) {
    const mime::Message& original = *work.message;
    if (!copy.sign && !copy.encrypt) {
        return original.serialize();
    }
    auto now = keys_.now();
    std::vector<keystore::KeyRecord> signers;
    if (copy.sign) {
        auto key = signing_key(keys_.store(), work.envelope.sender, now);
        if (!key) {
            throw Error(ErrorKind::Temporary, "the sender's signing key went away");
        }
        signers.push_back(*key);
    }
    std::vector<keystore::KeyRecord> recipients;
    for (const auto& address : copy.recipients) {
        auto key = encryption_key(keys_.store(), address, now);
        if (copy.encrypt && !key) {
            throw Error(ErrorKind::Temporary, "the key of " + address + " went away");
        }
        if (copy.encrypt) {
            recipients.push_back(*key);
        }
    }
    try {
        // The entity in two pieces: its body is read where it lies in the original.
        mime::SignableEntity entity = mime::signable_entity_pieces(original);
        auto pieces = entity.pieces();
        std::vector<keystore::KeyRecord> all = signers;
        all.insert(all.end(), recipients.begin(), recipients.end());
        openpgp::Keyring& keyring = keyring_for(all, true);
        std::vector<std::string> signer_fprs;
        for (const auto& key : signers) {
            signer_fprs.push_back(key.fingerprint);
        }
        if (!copy.encrypt) {
            auto signature = openpgp::sign_detached(keyring, pieces, signer_fprs);
            return mime::signed_message(original, pieces, signature, micalg);
        }
        std::vector<std::string> recipient_fprs;
        for (const auto& key : recipients) {
            recipient_fprs.push_back(key.fingerprint);
        }
        openpgp::EncryptOptions options;
        options.compress = config_.encryption.compress;
        options.hide_recipients = copy.bcc;
        // The ciphertext is written straight into the message that carries it.
        mime::EncryptedFrame frame = mime::encrypted_frame(original);
        std::string out = frame.open(entity.head.size() + entity.body.size());
        openpgp::encrypt_to(keyring, pieces, recipient_fprs, signer_fprs, options,
                            mime::CrlfAppender(out));
        frame.close(out);
        return out;
    } catch (const Error& e) {
        // Our own failure: the MTA keeps the message and retries, rather than it going out
        // in clear when policy said to encrypt.
        log::error("pipeline", "outbound-failed",
                   {{"queue_id", work.queue_id}, {"error", e.what()}});
        throw Error(ErrorKind::Temporary, std::string("cannot sign or encrypt: ") + e.what());
    }
}

}  // namespace sealpost::pipeline
