// The delivery status notification (RFC 3464) for recipients the next hop refused for good
// after the client already had its answer pending: SMTP cannot answer per recipient after
// DATA, so the refusal goes to the sender as a message and the rest is delivered.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "smtp/relay/next_hop.hpp"

namespace sealpost::smtp {

// The whole message, CRLF line endings, from MAILER-DAEMON@`reporting_host` to `sender`,
// quoting the original's header section.
std::string relay_failure_report(std::string_view sender, std::string_view original,
                                 const std::vector<RecipientOutcome>& failed,
                                 std::string_view reporting_host, std::string_view queue_id);

}  // namespace sealpost::smtp
