// Processor::process(): parse, decide, then produce the copies and carry out the extras.
#include "pipeline/processor.hpp"

#include "mime/scrub.hpp"

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/lookup_hold.hpp"
#include "mime/classify.hpp"
#include "pipeline/work.hpp"

namespace sealpost::pipeline {

namespace {

policy::PgpKind to_policy(mime::Kind kind) {
    switch (kind) {
        case mime::Kind::Plain:
            return policy::PgpKind::Plain;
        case mime::Kind::PgpMimeEncrypted:
            return policy::PgpKind::PgpMimeEncrypted;
        case mime::Kind::PgpMimeSigned:
            return policy::PgpKind::PgpMimeSigned;
        case mime::Kind::InlineEncrypted:
            return policy::PgpKind::InlineEncrypted;
        case mime::Kind::InlineSigned:
            return policy::PgpKind::InlineSigned;
    }
    return policy::PgpKind::Plain;
}

policy::Headers headers_of(const mime::Message& message) {
    policy::Headers headers;
    if (message.header("Subject")) {
        headers.subject = message.subject();
    }
    headers.to = message.to();
    headers.cc = message.cc();
    headers.auto_submitted = message.header("Auto-Submitted");
    headers.resent = mime::is_forwarded(message);
    headers.kind = to_policy(mime::classify(message));
    // Vacation programs older than RFC 3834 mark their replies only with these.
    if (!headers.auto_submitted && mime::is_auto_reply(message)) {
        headers.auto_submitted = "auto-replied";
    }
    return headers;
}

std::string action_of(const policy::RecipientPlan& plan) {
    if (plan.bounce) {
        return "bounce";
    }
    std::string action = plan.outbound.encrypt.on ? "encrypt" : "";
    if (plan.outbound.sign.on) {
        action += action.empty() ? "sign" : "+sign";
    }
    if (action.empty()) {
        action = "plain";
    }
    action += plan.inbound.decrypt.on ? "+decrypt" : "";
    action += plan.inbound.verify.on ? "+verify" : "";
    return action;
}

std::string reason_of(const policy::RecipientPlan& plan) {
    std::string reason = "encrypt=" + plan.outbound.encrypt.why;
    reason += " sign=" + plan.outbound.sign.why;
    if (plan.local) {
        reason += " decrypt=" + plan.inbound.decrypt.why;
        reason += " verify=" + plan.inbound.verify.why;
    }
    return reason;
}

}  // namespace

Processor::Processor(keystore::KeyManager& keys, directory::Directory& directory,
                     const config::Config& config, const policy::Rules& rules)
    : keys_(keys), directory_(directory), config_(config), rules_(rules), cache_(keys) {}

Processor::~Processor() = default;

Result Processor::process(const Envelope& envelope, std::string_view raw, Mode mode,
                          std::string_view queue_id) {
    // The keystore and directory as the message's first lookups find them serve the whole
    // message.
    LookupHold keys_held(keys_.store());
    LookupHold directory_held(directory_);
    Work work{envelope, std::string(queue_id), {}, {}, std::nullopt, {}, {}};
    work.mime_limits.max_depth = static_cast<std::size_t>(config_.limits.max_mime_depth);
    work.pgp_limits.max_output_bytes = config_.limits.max_decompressed_bytes;
    work.pgp_limits.max_signatures = static_cast<std::size_t>(config_.limits.max_signatures);
    try {
        // `raw` outlives `work`, which is gone when this call returns.
        work.message = mime::parse_in_place(raw, work.mime_limits);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::BadInput && e.kind() != ErrorKind::LimitExceeded) {
            throw;
        }
        log::warn("pipeline", "pass-through", {{"queue_id", work.queue_id}, {"why", e.what()}});
        return pass_through(envelope, raw, std::string("pass-through: ") + e.what());
    }
    // Nobody outside may write a result header that we would seem to vouch for.
    work.message->remove_headers_with_prefix(owned_header_prefix);
    if (mode == Mode::Apply) {
        discover_keys(envelope, queue_id);
    }

    policy::MessageInput input{envelope, headers_of(*work.message), config_, rules_,
                               make_lookups(directory_, keys_.store(), keys_.now())};
    work.decision = policy::decide_message(input);
    explain(work);
    if (mode == Mode::Explain) {
        return std::move(work.result);
    }
    produce(work);
    return std::move(work.result);
}

// Mail from a local user to remote recipients we have no key for: look for their keys first,
// all within one bound, so the decision below sees whatever was found in time.
void Processor::discover_keys(const Envelope& envelope, std::string_view queue_id) {
    if (finder_ == nullptr || envelope.role != config::ListenerRole::Submission ||
        !envelope.authenticated) {
        return;
    }
    auto deadline = KeyFinder::Deadline::clock::now() +
                    std::chrono::milliseconds(config_.discovery.max_wait_ms);
    auto now = keys_.now();
    for (const auto& recipient : envelope.recipients) {
        auto at = recipient.rfind('@');
        if (at == std::string::npos || directory_.is_local(recipient.substr(at + 1)) ||
            encryption_key(keys_.store(), recipient, now)) {
            continue;
        }
        if (KeyFinder::Deadline::clock::now() >= deadline) {
            log::warn("pipeline", "discovery-skipped",
                      {{"queue_id", queue_id},
                       {"recipient", recipient},
                       {"why", "the time for lookups of this message ran out"}});
            continue;
        }
        finder_->find(recipient, deadline, queue_id);
    }
}

Result Processor::pass_through(const Envelope& envelope, std::string_view raw, std::string why) {
    Result result;
    // Unparsed, but still nobody outside may bring a header Sealpost owns.
    result.messages.push_back({envelope.sender, envelope.recipients,
                               mime::remove_raw_headers_with_prefix(raw, owned_header_prefix),
                               why});
    for (const auto& recipient : envelope.recipients) {
        result.recipients.push_back({recipient, "pass-through", why, ""});
    }
    result.notes.push_back(std::move(why));
    return result;
}

// The per-recipient report, logged once per recipient.
void Processor::explain(Work& work) {
    auto now = keys_.now();
    for (const auto& plan : work.decision.recipients) {
        RecipientReport report{plan.address, action_of(plan), reason_of(plan), ""};
        if (plan.outbound.encrypt.on) {
            if (auto key = encryption_key(keys_.store(), plan.address, now)) {
                report.key = key->fingerprint;
            }
        }
        log::info("pipeline", "decision",
                  {{"queue_id", work.queue_id},
                   {"recipient", report.address},
                   {"action", report.action},
                   {"reason", report.reason},
                   {"key", report.key}});
        work.result.recipients.push_back(std::move(report));
    }
    work.result.notes = work.decision.notes;
}

void Processor::produce(Work& work) {
    if (work.decision.subject && work.message->header("Subject")) {
        work.message->set_subject(*work.decision.subject);
    }
    for (const auto& copy : work.decision.copies) {
        produce_copy(work, copy);
    }
    add_replies(work);
    import_keys(work);
    create_keys(work);
}

// A copy is built once; when it is to be decrypted again for local recipients, each of them
// gets their own, opened with their own keys only.
void Processor::produce_copy(Work& work, const policy::Copy& copy) {
    std::string why = copy.encrypt ? (copy.sign ? "encrypt+sign" : "encrypt")
                      : copy.sign  ? "sign"
                                   : "plain";
    if (!copy.decrypt && !copy.verify) {
        work.result.messages.push_back(
            {work.envelope.sender, copy.recipients, outbound(work, copy), why});
        return;
    }
    // What is decrypted for each recipient: the message itself unless outbound() wrapped it.
    std::string wrapped;
    std::optional<mime::Message> built;
    if (copy.sign || copy.encrypt) {
        wrapped = outbound(work, copy);
        built = mime::parse_in_place(wrapped, work.copy_limits());
    }
    const mime::Message& source = built ? *built : *work.message;
    for (const auto& recipient : copy.recipients) {
        work.result.messages.push_back(
            {work.envelope.sender, {recipient}, inbound(work, source, recipient, copy), why});
    }
}

}  // namespace sealpost::pipeline
