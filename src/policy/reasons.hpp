// The short machine-readable reasons a MessageDecision gives for each step it takes or does not
// take, and their wording for people (failure notices, bounces, `sealpost process --explain`).
//
// A reason is one word, or a source and a word: "subject-code:" for the sender's Subject codes,
// "switch:" for sealpost.toml, "rules:" for rules.txt (with the line of the deciding entry).
// Logs and the .env files of `sealpost process` carry them as they are: keep them stable.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::policy::why {

// Why a step is taken.
inline constexpr std::string_view automatic = "auto";  // the automatic-mode switches
inline constexpr std::string_view code_sign = "subject-code:--pgps";
inline constexpr std::string_view code_encrypt = "subject-code:--pgpe";
inline constexpr std::string_view code_must_encrypt = "subject-code:--pgpx";
inline constexpr std::string_view encrypted = "encrypted";  // signed because it is encrypted
inline constexpr std::string_view permitted = "permitted";  // inbound: every party authorized

// The message as a whole.
inline constexpr std::string_view eligible = "eligible";  // authenticated local sender
inline constexpr std::string_view inbound_role = "inbound-role";
inline constexpr std::string_view not_authenticated = "not-authenticated";
inline constexpr std::string_view not_local_sender = "not-local-sender";
inline constexpr std::string_view auto_reply = "auto-reply";
inline constexpr std::string_view forwarded = "forwarded";
inline constexpr std::string_view already_encrypted = "already-encrypted";
inline constexpr std::string_view already_signed = "already-signed";
inline constexpr std::string_view not_encrypted = "not-encrypted";
inline constexpr std::string_view not_signed = "not-signed";
inline constexpr std::string_view not_decrypted = "not-decrypted";

// Keys and the directory.
inline constexpr std::string_view no_key = "no-key";  // no public key for the recipient
inline constexpr std::string_view no_secret_key = "no-secret-key";
inline constexpr std::string_view not_local_recipient = "not-local-recipient";
inline constexpr std::string_view not_sent_to_self = "not-sent-to-self";  // --pgpk

// sealpost.toml.
inline constexpr std::string_view service_off = "switch:service-off";
inline constexpr std::string_view encryption_off = "switch:encryption-off";
inline constexpr std::string_view decryption_off = "switch:decryption-off";
inline constexpr std::string_view auto_encrypt_off = "switch:auto-encrypt-off";
inline constexpr std::string_view auto_sign_off = "switch:auto-sign-off";
inline constexpr std::string_view same_domain_off = "switch:same-domain-off";
inline constexpr std::string_view local_domains_off = "switch:local-domains-off";
inline constexpr std::string_view to_self_off = "switch:to-self-off";
inline constexpr std::string_view email_on_request_off = "switch:email-on-request-off";
// No entry in rules.txt, and the authorize-all switch for that party is off.
inline constexpr std::string_view sender_not_authorized = "switch:sender-not-authorized";
inline constexpr std::string_view recipient_not_authorized = "switch:recipient-not-authorized";

// rules.txt refused the sender or the recipient: "rules:sender-denied line 4".
enum class Party { Sender, Recipient };
std::string rules_denied(Party party, int line);

// One sentence for people: "no public key is known for the recipient". Unknown reasons come
// back as they are.
std::string describe(std::string_view reason);

}  // namespace sealpost::policy::why
