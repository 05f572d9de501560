// One mail transaction on an open session: [XFORWARD] MAIL, RCPT..., DATA, the message, and
// the replies that decide each recipient's outcome (RFC 5321 §3.3, RFC 2920 for PIPELINING,
// RFC 2033 §4.2 for LMTP's reply per recipient).
#pragma once

#include <utility>  // first: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "smtp/relay/client_session.hpp"
#include "smtp/relay/next_hop.hpp"

namespace sealpost::smtp {

// Sends `message` to every recipient whose outcome has no code yet (code 0), and fills in
// each final answer: a refusal at MAIL or RCPT, the reply to DATA, or the reply after the
// final dot. A recipient accepted at RCPT keeps code 0 until the server answers after the
// dot, so when this throws HopFailure the caller knows exactly who has no final answer.
boost::asio::awaitable<void> run_transaction(ClientSession& session, const OutgoingMessage& message,
                                             std::vector<RecipientOutcome>& outcomes);

}  // namespace sealpost::smtp
