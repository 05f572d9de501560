// Internal to the pipeline: the state of one message while a Processor works on it, and the
// keystore questions the steps ask.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "keystore/store.hpp"
#include "mime/message.hpp"
#include "openpgp/operations.hpp"
#include "pipeline/processor.hpp"

namespace sealpost::pipeline {

struct Processor::Work {
    const Envelope& envelope;
    std::string queue_id;
    mime::Limits mime_limits;
    openpgp::Limits pgp_limits;
    std::optional<mime::Message> message;  // X-Sealpost-* removed, Subject codes removed
    policy::MessageDecision decision;
    Result result;

    // The bounds for parsing a copy of this message: the PGP/MIME wrapper outbound() may add
    // is one level and two parts more than the input had.
    mime::Limits copy_limits() const {
        mime::Limits roomy = mime_limits;
        roomy.max_depth += 1;
        roomy.max_parts += 2;
        return roomy;
    }
};

// Keystore questions, each for an address as the envelope gives it.
std::optional<keystore::KeyRecord> signing_key(keystore::Store& store, const std::string& address,
                                               std::int64_t now);
std::vector<keystore::KeyRecord> secret_keys(keystore::Store& store, const std::string& address);
std::optional<keystore::KeyRecord> encryption_key(keystore::Store& store,
                                                  const std::string& address, std::int64_t now);

// Lets `keyring` load signers' public keys from the keystore as verification needs them.
// Unlike KeyManager::provide_keys it never loads a secret key nor changes the passphrase, so
// it suits a KeyringCache's keyring.
void provide_public_keys(openpgp::Keyring& keyring, keystore::Store& store);

// The lookups of policy::MessageInput, from the directory and the keystore; each answer is
// remembered, so it stays the same for the whole decision.
policy::Lookups make_lookups(directory::Directory& directory, keystore::Store& store,
                             std::int64_t now);

// Messages Sealpost writes itself (replies.cpp), each from the postmaster of the domain of
// the address it goes to, marked Auto-Submitted so no robot answers it.
std::string dsn(const mime::Message& original, const std::string& sender,
                const std::vector<policy::Notice>& failed);
std::string key_reply(const std::string& to, const std::string& key_of,
                      const std::optional<std::string>& armored_key);
std::string failure_notice(const mime::Message& original, const std::string& sender,
                           const std::vector<policy::Notice>& failed);

}  // namespace sealpost::pipeline
