// The treatment of one recipient: sign and encrypt on the way out, decrypt and verify on the
// way in. The numbered rules are those at the top of decision.hpp.
#include "policy/treatment.hpp"

#include <optional>

#include "policy/wildcard.hpp"

namespace sealpost::policy::detail {

namespace {

Step on(std::string_view why) {
    return {true, std::string(why)};
}
Step off(std::string_view why) {
    return {false, std::string(why)};
}

// Where a recipient stands from the sender, for the automatic-mode switches (rule 2).
enum class Scope { Self, SameDomain, LocalDomain, Remote };

Scope classify(const Context& context, std::string_view recipient) {
    std::string lowered = ascii_lower(recipient);
    if (lowered == context.sender) {
        return Scope::Self;
    }
    std::size_t at = lowered.rfind('@');
    std::string_view domain =
        std::string_view(lowered).substr(at == std::string::npos ? 0 : at + 1);
    if (domain == context.sender_domain) {
        return Scope::SameDomain;
    }
    if (ask(context.input.lookups.is_local_domain, domain)) {
        return Scope::LocalDomain;
    }
    return Scope::Remote;
}

// The switch that keeps `scope` out of automatic mode, if one does.
std::optional<std::string_view> scope_switch_off(const config::Encryption& settings, Scope scope) {
    switch (scope) {
        case Scope::Self:
            return settings.to_self ? std::nullopt : std::optional(why::to_self_off);
        case Scope::SameDomain:
            return settings.same_domain ? std::nullopt : std::optional(why::same_domain_off);
        case Scope::LocalDomain:
            return settings.local_domains ? std::nullopt : std::optional(why::local_domains_off);
        case Scope::Remote:
            break;
    }
    return std::nullopt;
}

// Whether the sender or the switches ask for encryption; codes first, as they always win.
Step request_encrypt(const Context& context, Scope scope) {
    const config::Encryption& settings = context.input.config.encryption;
    if (context.codes.must_encrypt) {
        return on(why::code_must_encrypt);
    }
    if (context.codes.encrypt) {
        return on(why::code_encrypt);
    }
    if (!settings.auto_encrypt) {
        return off(why::auto_encrypt_off);
    }
    if (auto refusal = scope_switch_off(settings, scope)) {
        return off(*refusal);
    }
    return on(why::automatic);
}

Step request_sign(const Context& context, Scope scope) {
    const config::Encryption& settings = context.input.config.encryption;
    if (context.codes.sign) {
        return on(why::code_sign);
    }
    if (!settings.auto_sign) {
        return off(why::auto_sign_off);
    }
    if (auto refusal = scope_switch_off(settings, scope)) {
        return off(*refusal);
    }
    return on(why::automatic);
}

// Rule 3.
Step decide_encrypt(const Context& context, std::string_view recipient, Scope scope) {
    const MessageInput& input = context.input;
    if (is_encrypted(input.headers.kind)) {
        return off(why::already_encrypted);
    }
    Step request = request_encrypt(context, scope);
    if (!request.on) {
        return request;
    }
    if (context.auto_reply) {
        return off(why::auto_reply);
    }
    if (context.forwarded) {
        return off(why::forwarded);
    }
    if (!context.sender_may_encrypt.on) {
        return context.sender_may_encrypt;
    }
    Verdict verdict = input.rules.evaluate(Permission::Encrypt, recipient, input.lookups.is_member);
    if (verdict.decision == Decision::Denied) {
        return off(why::rules_denied(why::Party::Recipient, verdict.rule->line));
    }
    if (!ask(input.lookups.has_encryption_key, recipient)) {
        return off(why::no_key);
    }
    return request;
}

// Rule 4.
Step decide_sign(const Context& context, Scope scope, bool encrypting) {
    PgpKind kind = context.input.headers.kind;
    if (is_encrypted(kind)) {
        return off(why::already_encrypted);
    }
    if (encrypting) {
        return context.sender_has_secret_key ? on(why::encrypted) : off(why::no_secret_key);
    }
    if (is_signed(kind)) {
        return off(why::already_signed);
    }
    Step request = request_sign(context, scope);
    if (!request.on) {
        return request;
    }
    if (!context.sender_may_sign.on) {
        return context.sender_may_sign;
    }
    if (!context.sender_has_secret_key) {
        return off(why::no_secret_key);
    }
    return request;
}

// Rule 8: "both the recipient and sender must be authorized", rules.txt before the switches.
Step authorize(const Context& context, Permission permission, std::string_view recipient) {
    const MessageInput& input = context.input;
    const config::Service& service = input.config.service;
    Verdict mine = input.rules.evaluate(permission, recipient, input.lookups.is_member);
    if (mine.decision == Decision::Denied) {
        return off(why::rules_denied(why::Party::Recipient, mine.rule->line));
    }
    if (!permitted(mine.decision, service.authorize_local_users)) {
        return off(why::recipient_not_authorized);
    }
    const std::string& sender = input.envelope.sender;
    Verdict theirs = input.rules.evaluate(permission, sender, input.lookups.is_member);
    if (theirs.decision == Decision::Denied) {
        return off(why::rules_denied(why::Party::Sender, theirs.rule->line));
    }
    bool everyone =
        context.eligible ? service.authorize_local_users : service.authorize_foreign_senders;
    if (!permitted(theirs.decision, everyone)) {
        return off(why::sender_not_authorized);
    }
    return on(why::permitted);
}

Step decide_decrypt(const Context& context, std::string_view recipient, PgpKind kind) {
    if (!is_encrypted(kind)) {
        return off(why::not_encrypted);
    }
    Step allowed = authorize(context, Permission::Decrypt, recipient);
    if (!allowed.on) {
        return allowed;
    }
    if (!ask(context.input.lookups.has_secret_key, recipient)) {
        return off(why::no_secret_key);
    }
    return allowed;
}

Step decide_verify(const Context& context, std::string_view recipient, PgpKind kind,
                   bool decrypting) {
    if (kind == PgpKind::Plain) {
        return off(why::not_signed);
    }
    if (is_encrypted(kind) && !decrypting) {
        return off(why::not_decrypted);
    }
    return authorize(context, Permission::Verify, recipient);
}

}  // namespace

bool ask(const AddressQuestion& question, std::string_view address) {
    return question && question(address);
}

Outbound plan_outbound(const Context& context, std::string_view recipient) {
    const config::Config& config = context.input.config;
    std::string_view stop;
    if (!context.eligible) {
        stop = context.why;
    } else if (!config.service.enabled) {
        stop = why::service_off;
    } else if (!config.encryption.enabled) {
        stop = why::encryption_off;
    }
    if (!stop.empty()) {
        return {off(stop), off(stop)};
    }
    Scope scope = classify(context, recipient);
    Outbound outbound;
    outbound.encrypt = decide_encrypt(context, recipient, scope);
    outbound.sign = decide_sign(context, scope, outbound.encrypt.on);
    return outbound;
}

Inbound plan_inbound(const Context& context, std::string_view recipient, PgpKind kind) {
    const config::Config& config = context.input.config;
    if (!config.service.enabled) {
        return {off(why::service_off), off(why::service_off)};
    }
    if (!config.decryption.enabled) {
        return {off(why::decryption_off), off(why::decryption_off)};
    }
    Inbound inbound;
    inbound.decrypt = decide_decrypt(context, recipient, kind);
    inbound.verify = decide_verify(context, recipient, kind, inbound.decrypt.on);
    return inbound;
}

}  // namespace sealpost::policy::detail
