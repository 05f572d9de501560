// decide_message(): the message-wide half of the decision (eligibility, Subject codes, copies,
// bounces, notices, key replies, key creation). Rules are numbered as in decision.hpp.
#include "policy/decision.hpp"

#include <algorithm>
#include <set>

#include "policy/treatment.hpp"
#include "policy/wildcard.hpp"

namespace sealpost::policy {

using detail::ask;
using detail::Context;

const char* to_string(PgpKind kind) {
    switch (kind) {
        case PgpKind::Plain:
            return "plain";
        case PgpKind::PgpMimeEncrypted:
            return "pgp-mime-encrypted";
        case PgpKind::PgpMimeSigned:
            return "pgp-mime-signed";
        case PgpKind::InlineEncrypted:
            return "inline-encrypted";
        case PgpKind::InlineSigned:
            return "inline-signed";
    }
    return "?";
}

bool is_encrypted(PgpKind kind) {
    return kind == PgpKind::PgpMimeEncrypted || kind == PgpKind::InlineEncrypted;
}

bool is_signed(PgpKind kind) {
    return kind == PgpKind::PgpMimeSigned || kind == PgpKind::InlineSigned;
}

// RFC 3834 §5: Auto-Submitted: [CFWS] ("no" / "auto-generated" / "auto-replied" / extension)
// followed by optional parameters. Comments nest (RFC 5322 §3.2.2).
bool is_auto_reply(std::string_view auto_submitted) {
    std::size_t position = 0;
    int depth = 0;
    for (; position < auto_submitted.size(); ++position) {
        char c = auto_submitted[position];
        if (c == '(') {
            ++depth;
        } else if (c == ')' && depth > 0) {
            --depth;
        } else if (depth == 0 && c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            break;
        }
    }
    std::string_view rest = auto_submitted.substr(position);
    std::string token = ascii_lower(rest.substr(0, rest.find_first_of(" \t\r\n;(")));
    return !token.empty() && token != "no";
}

namespace {

Step off(std::string_view why) {
    return {false, std::string(why)};
}

// Rule 1.
std::string_view eligibility(const MessageInput& input) {
    const Envelope& envelope = input.envelope;
    if (envelope.role != config::ListenerRole::Submission) {
        return why::inbound_role;
    }
    if (!envelope.authenticated) {
        return why::not_authenticated;
    }
    if (envelope.sender.empty() || !ask(input.lookups.is_local_user, envelope.sender)) {
        return why::not_local_sender;
    }
    return why::eligible;
}

// The eligible sender's permission: rules.txt, else the authorize-all-local switch.
Step sender_permission(const MessageInput& input, Permission permission) {
    Verdict verdict =
        input.rules.evaluate(permission, input.envelope.sender, input.lookups.is_member);
    if (verdict.decision == Decision::Denied) {
        return off(why::rules_denied(why::Party::Sender, verdict.rule->line));
    }
    if (!permitted(verdict.decision, input.config.service.authorize_local_users)) {
        return off(why::sender_not_authorized);
    }
    return {true, std::string(why::permitted)};
}

std::set<std::string> visible_recipients(const Headers& headers) {
    std::set<std::string> visible;
    for (const auto* list : {&headers.to, &headers.cc}) {
        for (const std::string& address : *list) {
            visible.insert(ascii_lower(address));
        }
    }
    return visible;
}

// What the recipient's copy is after the outbound treatment.
PgpKind kind_after(const Outbound& outbound, PgpKind kind) {
    if (outbound.encrypt.on) {
        return PgpKind::PgpMimeEncrypted;
    }
    return outbound.sign.on ? PgpKind::PgpMimeSigned : kind;
}

// Rule 6: --pgpx bounces whatever was not encrypted, unless it came encrypted.
bool encryption_failed(const Step& encrypt) {
    return !encrypt.on && encrypt.why != why::already_encrypted;
}

RecipientPlan plan_recipient(const Context& context, const std::string& address) {
    const MessageInput& input = context.input;
    RecipientPlan plan;
    plan.address = address;
    plan.bcc = !context.visible.contains(ascii_lower(address));
    plan.local = ask(input.lookups.is_local_user, address);
    plan.outbound = detail::plan_outbound(context, address);
    plan.bounce = context.codes.must_encrypt && encryption_failed(plan.outbound.encrypt);
    if (plan.local) {
        PgpKind kind = kind_after(plan.outbound, input.headers.kind);
        plan.inbound = detail::plan_inbound(context, address, kind);
    } else {
        plan.inbound = {off(why::not_local_recipient), off(why::not_local_recipient)};
    }
    return plan;
}

std::vector<RecipientPlan> plan_recipients(const Context& context) {
    std::vector<RecipientPlan> plans;
    std::set<std::string> seen;
    for (const std::string& address : context.input.envelope.recipients) {
        if (seen.insert(ascii_lower(address)).second) {
            plans.push_back(plan_recipient(context, address));
        }
    }
    return plans;
}

bool same_treatment(const Copy& a, const Copy& b) {
    return a.sign == b.sign && a.encrypt == b.encrypt && a.decrypt == b.decrypt &&
           a.verify == b.verify;
}

std::vector<Copy> group_copies(const std::vector<RecipientPlan>& plans) {
    std::vector<Copy> copies;
    for (const RecipientPlan& plan : plans) {
        if (plan.bounce) {
            continue;
        }
        Copy wanted{plan.outbound.sign.on,
                    plan.outbound.encrypt.on,
                    plan.inbound.decrypt.on,
                    plan.inbound.verify.on,
                    plan.bcc && plan.outbound.encrypt.on,
                    {}};
        auto copy = std::find_if(copies.begin(), copies.end(), [&](const Copy& other) {
            return !wanted.bcc && !other.bcc && same_treatment(wanted, other);
        });
        if (copy == copies.end()) {
            copies.push_back(wanted);
            copy = std::prev(copies.end());
        }
        copy->recipients.push_back(plan.address);
    }
    return copies;
}

void collect_failures(const Context& context, MessageDecision& decision) {
    bool notify = context.codes.encrypt && !context.codes.must_encrypt &&
                  context.input.config.encryption.notify_failures;
    for (const RecipientPlan& plan : decision.recipients) {
        const Step& encrypt = plan.outbound.encrypt;
        if (plan.bounce) {
            decision.bounce.push_back({plan.address, encrypt.why});
        } else if (notify && encryption_failed(encrypt)) {
            decision.notify_sender.push_back({plan.address, encrypt.why});
        }
    }
}

// Rule 7.
std::string_view key_reply_refusal(const Context& context) {
    const config::Config& config = context.input.config;
    if (!config.service.enabled) {
        return why::service_off;
    }
    if (!config.keys.email_on_request) {
        return why::email_on_request_off;
    }
    const std::vector<std::string>& recipients = context.input.envelope.recipients;
    bool to_self = std::any_of(recipients.begin(), recipients.end(), [&](const std::string& r) {
        return ascii_lower(r) == context.sender;
    });
    return to_self ? std::string_view{} : why::not_sent_to_self;
}

void plan_key_replies(const Context& context, MessageDecision& decision) {
    const SubjectCodes& codes = context.codes;
    if (!codes.send_own_key && codes.key_requests.empty()) {
        return;
    }
    if (std::string_view refusal = key_reply_refusal(context); !refusal.empty()) {
        decision.notes.push_back("--pgpk: " + std::string(refusal));
        return;
    }
    const std::string& sender = context.input.envelope.sender;
    const AddressQuestion& has_key = context.input.lookups.has_encryption_key;
    if (codes.send_own_key) {
        decision.reply_with_key.push_back({sender, sender, ask(has_key, sender)});
    }
    for (const std::string& address : codes.key_requests) {
        decision.reply_with_key.push_back({address, sender, ask(has_key, address)});
    }
}

void plan_key_creation(const Context& context, MessageDecision& decision) {
    const MessageInput& input = context.input;
    if (!input.config.service.enabled || !input.config.keys.auto_create) {
        return;
    }
    decision.create_key_for_sender = context.eligible && !context.sender_has_secret_key;
    for (const RecipientPlan& plan : decision.recipients) {
        bool is_sender = context.eligible && ascii_lower(plan.address) == context.sender;
        if (plan.local && !is_sender && !ask(input.lookups.has_secret_key, plan.address)) {
            decision.create_key_for_recipients.push_back(plan.address);
        }
    }
}

}  // namespace

namespace detail {

Context make_context(const MessageInput& input) {
    Context context(input);
    context.sender = ascii_lower(input.envelope.sender);
    std::size_t at = context.sender.rfind('@');
    context.sender_domain = at == std::string::npos ? "" : context.sender.substr(at + 1);
    context.why = eligibility(input);
    context.eligible = context.why == why::eligible;
    context.subject = input.headers.subject;
    if (context.eligible && context.subject) {
        ParsedSubject parsed = parse_subject(*context.subject);
        context.subject = std::move(parsed.text);
        context.codes = std::move(parsed.codes);
    }
    context.auto_reply =
        input.headers.auto_submitted && is_auto_reply(*input.headers.auto_submitted);
    context.forwarded = input.envelope.forwarded || input.headers.resent;
    if (context.eligible) {
        context.sender_may_encrypt = sender_permission(input, Permission::Encrypt);
        context.sender_may_sign = sender_permission(input, Permission::Sign);
        context.sender_has_secret_key = ask(input.lookups.has_secret_key, input.envelope.sender);
    }
    context.visible = visible_recipients(input.headers);
    return context;
}

}  // namespace detail

MessageDecision decide_message(const MessageInput& input) {
    Context context = detail::make_context(input);
    MessageDecision decision;
    decision.subject = context.subject;
    decision.codes = context.codes;
    decision.eligible = context.eligible;
    decision.why = context.why;

    decision.recipients = plan_recipients(context);
    collect_failures(context, decision);
    decision.copies = group_copies(decision.recipients);

    plan_key_replies(context, decision);
    plan_key_creation(context, decision);
    const config::Config& config = input.config;
    decision.import_attached_keys =
        context.eligible && config.service.enabled && config.keys.auto_import;
    return decision;
}

}  // namespace sealpost::policy
