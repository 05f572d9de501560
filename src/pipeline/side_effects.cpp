// What a message causes besides its copies: bounces, notices and key replies to the sender,
// importing keys the sender attached, and creating keys for local users who have none.
#include "common/error.hpp"
#include "common/log.hpp"
#include "mime/keys.hpp"
#include "openpgp/key_info.hpp"
#include "pipeline/work.hpp"

namespace sealpost::pipeline {

namespace {

openpgp::KeyAlgorithm algorithm_of(const config::Config& config) {
    if (config.keys.key_algorithm == config::KeyAlgorithm::Ed25519) {
        return openpgp::KeyAlgorithm::Ed25519;
    }
    switch (config.keys.rsa_key_bits) {
        case 1024:
            return openpgp::KeyAlgorithm::Rsa1024;
        case 3072:
            return openpgp::KeyAlgorithm::Rsa3072;
        case 4096:
            return openpgp::KeyAlgorithm::Rsa4096;
        default:
            return openpgp::KeyAlgorithm::Rsa2048;
    }
}

}  // namespace

// Replies go from the null reverse-path (RFC 5321 §4.5.5), so that they cannot bounce back
// into a loop; none is sent for a message that itself came from <>.
void Processor::add_replies(Work& work) {
    const std::string& sender = work.envelope.sender;
    const policy::MessageDecision& decision = work.decision;
    if (sender.empty()) {
        return;
    }
    if (!decision.bounce.empty()) {
        work.result.messages.push_back(
            {"", {sender}, dsn(*work.message, sender, decision.bounce), "dsn"});
    }
    if (!decision.notify_sender.empty()) {
        work.result.messages.push_back(
            {"",
             {sender},
             failure_notice(*work.message, sender, decision.notify_sender),
             "notice"});
    }
    auto now = keys_.now();
    for (const auto& request : decision.reply_with_key) {
        std::optional<std::string> armored;
        if (auto key = encryption_key(keys_.store(), request.key_of, now)) {
            armored = keys_.export_public(key->fingerprint, true);
        }
        // Sent in clear on purpose: it holds only a public key, and the requester may not
        // have a key we could encrypt to.
        work.result.messages.push_back(
            {"", {request.to}, key_reply(request.to, request.key_of, armored), "key-reply"});
    }
}

// DESIGN.md §4: the message is delivered whatever happens to the keys it carries.
void Processor::import_keys(Work& work) {
    if (!work.decision.import_attached_keys) {
        return;
    }
    keystore::ImportOptions options;
    options.origin = keystore::Origin::AutoImported;
    for (const auto& block : mime::find_public_key_blocks(*work.message)) {
        try {
            for (const auto& imported : keys_.import(block, options)) {
                if (imported.secret) {
                    continue;
                }
                work.result.keys_imported.push_back(imported.fingerprint);
                log::info("pipeline", "key-imported",
                          {{"queue_id", work.queue_id},
                           {"fpr", imported.fingerprint},
                           {"outcome", keystore::to_string(imported.outcome)}});
            }
        } catch (const Error& e) {
            log::warn("pipeline", "key-import-failed",
                      {{"queue_id", work.queue_id}, {"error", e.what()}});
        }
    }
}

// After the copies are made, so mail never waits for a key. The check is repeated inside the
// keystore transaction (BEGIN IMMEDIATE), so two processes never make two keys for one user.
// LIMITATION: generation runs in this process, before `sealpost process` exits; an RSA-4096
// key holds it (and the keystore's write lock) for a few seconds.
void Processor::create_keys(Work& work) {
    std::vector<std::string> wanted = work.decision.create_key_for_recipients;
    if (work.decision.create_key_for_sender) {
        wanted.insert(wanted.begin(), work.envelope.sender);
    }
    for (const auto& address : wanted) {
        try {
            keys_.store().transaction([&] {
                if (!secret_keys(keys_.store(), address).empty()) {
                    return;
                }
                auto record =
                    keys_.generate(openpgp::normalise_address(address), "", algorithm_of(config_),
                                   static_cast<std::uint32_t>(config_.keys.key_expiry_days));
                work.result.keys_created.push_back(record.fingerprint);
            });
        } catch (const Error& e) {
            // The message went out; the key is made next time.
            log::warn("pipeline", "key-creation-failed",
                      {{"queue_id", work.queue_id}, {"address", address}, {"error", e.what()}});
        }
    }
}

}  // namespace sealpost::pipeline
