// Every reply the SMTP server gives on its own, by name. One table maps each outcome to its
// code, RFC 3463 enhanced status and text, so call sites name what happened, not the code.
// Enhanced status codes (RFC 2034) go on every reply except the greeting, the EHLO and HELO
// replies, 334 and 354; also before EHLO, as Postfix does: clients ignore what they did not
// ask for, and the code helps whoever reads a log.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <string>
#include <string_view>

#include "smtp/server/handler.hpp"

namespace sealpost::smtp::server {

enum class Outcome {
    // Session life cycle.
    Greeting,
    Closing,
    Timeout,
    TooManyErrors,
    TooManyCommands,
    TooManyAuthFailures,
    TooManyFromAddress,
    ServiceBusy,
    ShuttingDown,
    InternalError,
    // Positive answers to commands.
    Ok,
    SenderOk,
    RecipientOk,
    Help,
    CannotVerify,
    StartData,
    ReadyForTls,
    AuthSucceeded,
    // Command syntax and sequence.
    UnknownCommand,
    NotImplemented,
    CommandLineTooLong,
    BadCommandCharacters,
    SyntaxError,
    BadSenderAddress,
    BadRecipientAddress,
    BadParameter,
    NeedsSmtputf8,
    NeedHelo,
    NeedMail,
    NeedRcpt,
    NestedMail,
    TooManyRecipients,
    // Message data.
    MessageTooBig,
    DataLineTooLong,
    BareLineEnding,
    DeliveryFailed,
    // AUTH (RFC 4954).
    AuthRequired,
    AuthNotOffered,
    AuthNeedsTls,
    AuthAlreadyDone,
    AuthInTransaction,
    AuthUnknownMechanism,
    AuthCancelled,
    AuthBadEncoding,
    AuthFailed,
    AuthUnavailable,
    // STARTTLS (RFC 3207) and XFORWARD.
    TlsNotOffered,
    TlsAlreadyActive,
    TlsUnavailable,
    TlsInTransaction,
    XforwardNotPermitted,
    XforwardInTransaction,
};

// The reply for `outcome`. `detail` takes the place of "{}" in the table's text (the host
// name in session-level replies), or else, when not empty, is appended after ": ".
Reply reply_for(Outcome outcome, std::string_view detail = {});

// The reply on the wire: one "code[-| ][enhanced ]text\r\n" line per line of `reply.text`.
// Control characters in the text become spaces and each line is cut at 500 octets, so a
// handler's text can never break the framing.
std::string format_reply(const Reply& reply);

}  // namespace sealpost::smtp::server
