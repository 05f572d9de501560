// The wording of the decision reasons for failure notices, bounces and --explain.
#include "policy/reasons.hpp"

#include <array>
#include <utility>

namespace sealpost::policy::why {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 32> sentences = {{
    {automatic, "the automatic signing and encryption settings ask for it"},
    {code_sign, "the sender asked for a signature with --pgps"},
    {code_encrypt, "the sender asked for encryption with --pgpe"},
    {code_must_encrypt, "the sender required encryption with --pgpx"},
    {encrypted, "encrypted messages are always signed"},
    {permitted, "the recipient and the sender are both authorized"},
    {eligible, "the sender is an authenticated local user"},
    {inbound_role, "only mail submitted by local users is signed or encrypted"},
    {not_authenticated, "the sender did not authenticate"},
    {not_local_sender, "the sender is not a local user"},
    {auto_reply, "automatic replies are never encrypted"},
    {forwarded, "forwarded messages are never encrypted"},
    {already_encrypted, "the message is already encrypted"},
    {already_signed, "the message is already signed"},
    {not_encrypted, "the message is not encrypted"},
    {not_signed, "the message carries no signature"},
    {not_decrypted, "the message stays encrypted, so its signature cannot be checked"},
    {no_key, "no public key is known for the recipient"},
    {no_secret_key, "no private key is known for the user"},
    {not_local_recipient, "the recipient is not a local user"},
    {not_sent_to_self, "--pgpk is answered only when the message is sent to oneself"},
    {service_off, "Sealpost is disabled"},
    {encryption_off, "the encryption and signing services are disabled"},
    {decryption_off, "the decryption and verification services are disabled"},
    {auto_encrypt_off, "automatic encryption is off"},
    {auto_sign_off, "automatic signing is off"},
    {same_domain_off, "automatic treatment between users of one domain is off"},
    {local_domains_off, "automatic treatment between local domains is off"},
    {to_self_off, "automatic treatment of mail sent to oneself is off"},
    {email_on_request_off, "public keys are not sent on request"},
    {sender_not_authorized, "the sender is not authorized for this service"},
    {recipient_not_authorized, "the recipient is not authorized for this service"},
}};

constexpr std::string_view sender_denied = "rules:sender-denied ";
constexpr std::string_view recipient_denied = "rules:recipient-denied ";

}  // namespace

std::string rules_denied(Party party, int line) {
    std::string_view prefix = party == Party::Sender ? sender_denied : recipient_denied;
    return std::string(prefix) + "line " + std::to_string(line);
}

std::string describe(std::string_view reason) {
    for (const auto& [code, sentence] : sentences) {
        if (code == reason) {
            return std::string(sentence);
        }
    }
    if (reason.starts_with(sender_denied)) {
        return "rules.txt does not allow the sender this service (" +
               std::string(reason.substr(sender_denied.size())) + ")";
    }
    if (reason.starts_with(recipient_denied)) {
        return "rules.txt does not allow this service for the recipient (" +
               std::string(reason.substr(recipient_denied.size())) + ")";
    }
    return std::string(reason);
}

}  // namespace sealpost::policy::why
