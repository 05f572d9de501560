// The message pipeline (DESIGN.md §1, §5): takes one message with its envelope, asks
// policy::decide_message what should happen to it and does it — sign, encrypt, decrypt,
// verify, bounce, reply with a key, import attached keys, create missing keys — and returns
// the messages to send on. Nothing is sent from here: the caller delivers the Result.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "directory/directory.hpp"
#include "keystore/key_manager.hpp"
#include "keystore/keyring_cache.hpp"
#include "mime/message.hpp"
#include "pipeline/key_finder.hpp"
#include "policy/decision.hpp"
#include "policy/rules.hpp"

namespace sealpost::pipeline {

using Envelope = policy::Envelope;

enum class Mode {
    Apply,    // produce the messages and carry out the side effects
    Explain,  // decide only: no message, no key created, nothing imported
};

// One message to send on. Every recipient gets the same bytes.
struct Output {
    std::string sender;  // envelope sender; empty for the null reverse-path <>
    std::vector<std::string> recipients;
    std::string data;  // the whole message, CRLF line endings
    std::string why;   // "encrypt+sign", "plain", "dsn", "key-reply", "notice", "pass-through"
};

// What was decided for one envelope recipient, for logs and `sealpost process --explain`.
struct RecipientReport {
    std::string address;
    std::string action;  // "encrypt+sign", "sign", "plain", "bounce"; "+decrypt", "+verify"
    std::string reason;  // policy::why reasons, ", "-separated
    std::string key;     // fingerprint of the chosen encryption key, if any
};

struct Result {
    std::vector<Output> messages;
    std::vector<RecipientReport> recipients;
    std::vector<std::string> notes;         // codes not acted on, pass-through reasons
    std::vector<std::string> keys_created;  // fingerprints made for local users
    std::vector<std::string> keys_imported;
};

// One Processor per thread: it owns keyrings that are not thread-safe. The references must
// outlive it.
//
// Errors: a message the MIME parser refuses (size, depth, malformed) is passed through
// unchanged, never lost. A decryption that fails leaves the message as it came, with an
// X-Sealpost-Decrypted header saying why. A failure of our own (keystore busy, signing or
// encryption failed) throws sealpost::Error with kind Temporary, so the caller retries
// rather than sends in clear what policy said to encrypt.
class Processor {
public:
    Processor(keystore::KeyManager& keys, directory::Directory& directory,
              const config::Config& config, const policy::Rules& rules);
    ~Processor();

    Result process(const Envelope& envelope, std::string_view raw, Mode mode = Mode::Apply,
                   std::string_view queue_id = {});

    // Key discovery for remote recipients without a key of mail that local users send
    // (Mode::Apply only); null, the default, means none. `finder` must outlive the Processor.
    void set_key_finder(KeyFinder* finder) { finder_ = finder; }

private:
    struct Work;

    Result pass_through(const Envelope& envelope, std::string_view raw, std::string why);
    void explain(Work& work);
    void produce(Work& work);
    void produce_copy(Work& work, const policy::Copy& copy);
    std::string outbound(Work& work, const policy::Copy& copy);
    std::string inbound(Work& work, const mime::Message& source, const std::string& recipient,
                        const policy::Copy& copy);
    struct Decrypted {
        std::string bytes;               // the message to send on
        bool signature_checked = false;  // a signature inside the encryption was checked
    };
    std::optional<Decrypted> decrypt(Work& work, const mime::Message& source,
                                     const std::string& recipient, std::string& why_not);
    void verify(Work& work, mime::Message& message);
    void add_replies(Work& work);
    void import_keys(Work& work);
    void create_keys(Work& work);
    void discover_keys(const Envelope& envelope, std::string_view queue_id);

    openpgp::Keyring& keyring_for(const std::vector<keystore::KeyRecord>& keys, bool secret);
    openpgp::Keyring& decryption_keyring(const keystore::KeyRecord& key);

    keystore::KeyManager& keys_;
    directory::Directory& directory_;
    const config::Config& config_;
    const policy::Rules& rules_;
    KeyFinder* finder_ = nullptr;
    keystore::KeyringCache cache_;
    // One keyring per secret key for decryption, so a message is opened only with the keys
    // of the recipient it is delivered to (a keyring with everyone's keys would let anyone
    // have alice's mail decrypted into bob's mailbox).
    std::map<std::string, std::unique_ptr<keystore::KeyringCache>> decryption_;
};

// The header fields Sealpost owns; any arriving from outside are removed first.
inline constexpr std::string_view owned_header_prefix = "X-Sealpost-";
inline constexpr std::string_view decrypted_header = "X-Sealpost-Decrypted";
inline constexpr std::string_view signature_header = "X-Sealpost-Signature";

}  // namespace sealpost::pipeline
