#include "smtp/relay/outcomes.hpp"

#include "common/log.hpp"

namespace sealpost::smtp {

RecipientOutcome outcome_from_reply(const std::string& recipient, const ServerReply& reply) {
    return RecipientOutcome{recipient, reply.code, reply.enhanced, reply.text()};
}

std::vector<RecipientOutcome> start_outcomes(const OutgoingMessage& message) {
    std::vector<RecipientOutcome> outcomes;
    outcomes.reserve(message.recipients.size());
    bool sender_ok = is_clean_address(message.sender);
    for (const auto& recipient : message.recipients) {
        RecipientOutcome outcome{recipient, 0, {}, {}};
        if (!sender_ok) {
            outcome = {recipient, 553, "5.1.7",
                       "the sender address contains characters that "
                       "cannot be sent"};
        } else if (recipient.empty() || !is_clean_address(recipient)) {
            outcome = {recipient, 553, "5.1.3",
                       "the recipient address contains characters "
                       "that cannot be sent"};
        }
        outcomes.push_back(std::move(outcome));
    }
    return outcomes;
}

bool any_unanswered(const std::vector<RecipientOutcome>& outcomes) {
    for (const auto& outcome : outcomes) {
        if (outcome.code == 0) {
            return true;
        }
    }
    return false;
}

void defer_unanswered(std::vector<RecipientOutcome>& outcomes, std::string_view enhanced,
                      const std::string& text) {
    for (auto& outcome : outcomes) {
        if (outcome.code == 0) {
            outcome.code = 451;
            outcome.enhanced = std::string(enhanced);
            outcome.text = text;
        }
    }
}

void log_outcome(const OutgoingMessage& message, const std::string& hop,
                 const RecipientOutcome& outcome, std::string_view path) {
    auto level = log::Level::Info;
    std::string_view event = "delivered";
    if (outcome.temporary()) {
        level = log::Level::Warn;
        event = "deferred";
    } else if (outcome.permanent()) {
        event = "rejected";
    }
    if (path.empty()) {
        log::event(level, "relay", event,
                   {{"queue_id", message.queue_id},
                    {"hop", hop},
                    {"recipient", outcome.recipient},
                    {"code", outcome.code},
                    {"enhanced", outcome.enhanced},
                    {"text", outcome.text}});
        return;
    }
    log::event(level, "relay", event,
               {{"queue_id", message.queue_id},
                {"hop", hop},
                {"recipient", outcome.recipient},
                {"code", outcome.code},
                {"enhanced", outcome.enhanced},
                {"text", outcome.text},
                {"path", path}});
}

}  // namespace sealpost::smtp
