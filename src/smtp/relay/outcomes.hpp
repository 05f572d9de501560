// Making and logging RecipientOutcome values, shared by every kind of next hop.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smtp/relay/next_hop.hpp"
#include "smtp/relay/wire_format.hpp"

namespace sealpost::smtp {

RecipientOutcome outcome_from_reply(const std::string& recipient, const ServerReply& reply);

// One outcome per recipient with code 0 ("no final answer yet"), except recipients whose
// address cannot be sent at all (control characters, < or >): 553 5.1.3, or 553 5.1.7 for
// every recipient if the sender's address is the one at fault.
std::vector<RecipientOutcome> start_outcomes(const OutgoingMessage& message);

// Whether any outcome still has code 0.
bool any_unanswered(const std::vector<RecipientOutcome>& outcomes);

// Gives every outcome that still has code 0 the temporary failure 451 `enhanced` `text`.
void defer_unanswered(std::vector<RecipientOutcome>& outcomes, std::string_view enhanced,
                      const std::string& text);

// The final log line for one recipient: `relay delivered` (2xx), `relay deferred` (4xx) or
// `relay rejected` (5xx), with queue_id, hop, recipient, code, enhanced and text; `path` is
// the file a Maildir delivery wrote.
void log_outcome(const OutgoingMessage& message, const std::string& hop,
                 const RecipientOutcome& outcome, std::string_view path = {});

}  // namespace sealpost::smtp
