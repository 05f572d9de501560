// What should happen to one message, decided as a pure function of its envelope, a few headers,
// sealpost.toml, rules.txt and what the directory and the keystore know (DESIGN.md §1 and §5,
// the manual in reference/mdpgp-manual.txt). Nothing here touches a database, a key or the
// network; the pipeline carries the decision out.
//
// The rules, in the order they are applied:
//  1. Only the submission role with an authenticated local user as envelope sender is eligible
//     for signing and encryption ("Only SMTP authenticated email from users of this MDaemon
//     server are eligible for encryption service"). Only then are Subject codes looked for and
//     removed; other mail keeps its Subject as it came.
//  2. Automatic mode is the switches: auto_encrypt and auto_sign, each limited by same_domain,
//     local_domains and to_self. For a recipient the most specific of these decides: the
//     sender's own address → to_self; the sender's domain → same_domain; another local domain
//     → local_domains; any other domain is always in scope. Subject codes act whatever the
//     switches say ("The special Subject codes ... always take precedence over the Automatic
//     Mode options"); manual mode is simply both auto switches off.
//  3. Encryption to a recipient needs the encryption service, the sender's encrypt permission
//     (rules.txt, else authorize_local_users), no `-` entry for the recipient ("MDPGP will not
//     encrypt messages to them, even if the public key is known") and the recipient's public
//     key. Never encrypted: auto-replies (RFC 3834 Auto-Submitted other than "no"), forwarded
//     messages and messages already encrypted ("Forwarded messages are not encrypted.
//     Autoresponder messages are not encrypted.").
//  4. "Any message that is encrypted by MDPGP will always be signed as well", and "granting
//     encryption permission ... doesn't also grant that user permission to sign unencrypted
//     messages": an encrypted copy is signed whenever the sender has a secret key, whatever
//     the sign permission; the permission governs signed-only copies. A sender without a
//     secret key gets the copy encrypted but unsigned (sign.why "no-secret-key"): refusing to
//     encrypt would send in clear what could have been kept secret. A message that is already
//     signed is not signed again, but may be encrypted.
//  5. "Forwarded" means mail the server passes on for a user without the user writing it: an
//     account or alias forward, a .forward or Sieve redirect (the caller says so in
//     Envelope::forwarded, as headers cannot show it), and a client's redirect, which adds
//     Resent-* fields (RFC 5322 §3.6.6). A "Fwd:" that a user composes is a new message.
//     Forwarded mail may still be signed: the manual only forbids encrypting it.
//  6. --pgpx: "If it cannot be encrypted ... then do not deliver it". Every recipient whose
//     copy would not be encrypted, for whatever reason (no key, rules, a switch, an
//     auto-reply), is bounced and gets nothing; a message already encrypted satisfies it.
//     --pgpe: recipients that could not be encrypted to get the message as it is, and the
//     sender is told why when notify_failures is on. --pgpx wins when both are given.
//  7. --pgpk and --pgpk<addr> are answered when email_on_request is on and the message is
//     "sent to himself" (the sender is among the envelope recipients); the message itself is
//     still delivered, because mail is never lost.
//  8. Inbound treatment applies to every recipient that is a local user: on the inbound role,
//     and on the submission role after the outbound treatment ("first the outbound treatment,
//     then, for that recipient, the inbound one", DESIGN.md §1), so mail to self and between
//     local users is decrypted at once if the recipient may. Decryption needs the decryption
//     service, the recipient's secret key and both parties authorized ("both the recipient and
//     sender must be authorized"); verification the same, except the secret key. The sender
//     counts as local only when eligible (rule 1); any other sender is judged by
//     authorize_foreign_senders, so a forged local From cannot borrow the local switch.
//  9. --pgpx is a promise to the user, so it bounces even when the service is disabled;
//     otherwise service.enabled off makes Sealpost pass everything through (the codes of an
//     eligible sender are still removed from the Subject).
// Switches not read here act elsewhere: compress (the output format), transport_by_ip (at
// delivery, once the receiving IP is known), discovery, HTTP key serving, RKEY and limits.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "policy/reasons.hpp"
#include "policy/rules.hpp"
#include "policy/subject_codes.hpp"

namespace sealpost::policy {

// What the MIME layer found the message to be.
enum class PgpKind { Plain, PgpMimeEncrypted, PgpMimeSigned, InlineEncrypted, InlineSigned };

const char* to_string(PgpKind kind);  // "plain", "pgp-mime-encrypted", ...
bool is_encrypted(PgpKind kind);
bool is_signed(PgpKind kind);  // signed and not encrypted

// RFC 3834 §5: any Auto-Submitted value but "no" marks an automatic message. Case, comments
// and parameters are ignored; an empty value is not automatic.
bool is_auto_reply(std::string_view auto_submitted);

// The SMTP envelope. Addresses are bare addr-specs ("frank@example.com"), compared without
// regard to ASCII case.
struct Envelope {
    std::string sender;  // empty for the null reverse-path <>
    std::vector<std::string> recipients;
    config::ListenerRole role = config::ListenerRole::Inbound;  // never eligible by mistake
    bool authenticated = false;  // SMTP AUTH, or a trusted listener whose MTA authenticated
    std::string client_ip;       // for logs; no rule depends on it
    bool forwarded = false;      // the server forwards this for a user (rule 5)
};

// The headers the decision reads. From is not among them: the envelope sender is the
// authenticated identity (DESIGN.md §1), and a header can say anything.
struct Headers {
    std::optional<std::string> subject;         // unfolded and decoded; nullopt if absent
    std::vector<std::string> to;                // addr-specs of To
    std::vector<std::string> cc;                // addr-specs of Cc
    std::optional<std::string> auto_submitted;  // its value, if the header is present
    bool resent = false;                        // Resent-From or Resent-Sender is present
    PgpKind kind = PgpKind::Plain;
};

using AddressQuestion = std::function<bool(std::string_view)>;

// What the directory and the keystore know. Each function may be asked more than once about
// the same address and must answer the same way within one decision; an empty function
// answers false.
struct Lookups {
    AddressQuestion is_local_domain;     // a domain, lowercased
    GroupMembership is_member;           // for GROUP: entries of rules.txt
    AddressQuestion is_local_user;       // an account of ours
    AddressQuestion has_encryption_key;  // a usable public key, a domain key included
    AddressQuestion has_secret_key;      // a usable secret key (signing, decryption)
};

struct MessageInput {
    Envelope envelope;
    Headers headers;
    const config::Config& config;
    const Rules& rules;
    Lookups lookups;
};

// One step of the treatment: whether it is taken, and a reason from reasons.hpp either way.
struct Step {
    bool on = false;
    std::string why;

    bool operator==(const Step&) const = default;
};

struct Outbound {
    Step sign;
    Step encrypt;
};

// For a local recipient: what to do to the copy before it reaches the mailbox.
struct Inbound {
    Step decrypt;
    Step verify;  // check the signature, inside the plaintext when decrypting
};

struct RecipientPlan {
    std::string address;  // as in the envelope
    bool bcc = false;     // in the envelope but in neither To nor Cc
    bool local = false;   // a local user: the inbound treatment applies
    Outbound outbound;
    Inbound inbound;  // after the outbound treatment, on the submission role
    bool bounce = false;
};

// One message to produce: every recipient in it gets the same bytes. A Bcc recipient of an
// encrypted copy gets a copy alone, so that nobody else sees their key ID in the ciphertext.
struct Copy {
    bool sign = false;
    bool encrypt = false;  // to the keys of exactly these recipients
    bool decrypt = false;  // then decrypt again before delivery
    bool verify = false;
    bool bcc = false;
    std::vector<std::string> recipients;
};

struct KeyReply {
    std::string key_of;      // whose public key to send
    std::string to;          // the requester
    bool key_known = false;  // false: answer that no key is known
};

// A recipient and the reason it concerns, for bounces and failure notices.
struct Notice {
    std::string recipient;
    std::string why;

    bool operator==(const Notice&) const = default;
};

struct MessageDecision {
    std::optional<std::string> subject;     // the Subject to send, codes removed
    SubjectCodes codes;                     // what the sender asked for (eligible senders only)
    bool eligible = false;                  // for signing and encryption (rule 1)
    std::string why;                        // why::eligible, or why not
    std::vector<RecipientPlan> recipients;  // one per address, in envelope order
    std::vector<Copy> copies;               // every recipient not bounced is in exactly one
    std::vector<KeyReply> reply_with_key;
    std::vector<Notice> bounce;         // --pgpx: deliver nothing, send the sender a DSN
    std::vector<Notice> notify_sender;  // --pgpe failures, when notify_failures is on
    // keys.auto_create: "creating each user's key pair the next time a message is processed
    // for that user". The pipeline makes them in the background; this message goes without.
    bool create_key_for_sender = false;
    std::vector<std::string> create_key_for_recipients;  // local users without a secret key
    bool import_attached_keys = false;                   // keys.auto_import, for an eligible sender
    std::vector<std::string> notes;  // codes not acted on: "--pgpk: not-sent-to-self"
};

// Decides. Recipients repeated in the envelope (ignoring ASCII case) are planned once.
MessageDecision decide_message(const MessageInput& input);

}  // namespace sealpost::policy
