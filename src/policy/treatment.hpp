// The treatment of one recipient, outbound and inbound: the per-recipient half of
// decide_message(). Internal to the policy library.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "policy/decision.hpp"

namespace sealpost::policy::detail {

// Everything about the message that does not depend on the recipient, worked out once.
struct Context {
    explicit Context(const MessageInput& message) : input(message) {}

    const MessageInput& input;
    std::optional<std::string> subject;  // codes removed when eligible
    SubjectCodes codes;
    bool eligible = false;  // rule 1 of decision.hpp
    std::string why;        // why::eligible, or why not
    bool auto_reply = false;
    bool forwarded = false;
    std::string sender;         // lowercased
    std::string sender_domain;  // lowercased
    Step sender_may_encrypt;    // rules.txt and the switch, for the eligible sender
    Step sender_may_sign;
    bool sender_has_secret_key = false;
    std::set<std::string> visible;  // lowercased To and Cc
};

Context make_context(const MessageInput& input);

// Asks `question`; an empty function answers false.
bool ask(const AddressQuestion& question, std::string_view address);

Outbound plan_outbound(const Context& context, std::string_view recipient);

// `kind` is what the recipient's copy is after the outbound treatment.
Inbound plan_inbound(const Context& context, std::string_view recipient, PgpKind kind);

}  // namespace sealpost::policy::detail
