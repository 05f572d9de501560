// The reply table of the SMTP server (see replies.hpp).
#include "smtp/server/replies.hpp"

#include <iterator>

namespace sealpost::smtp::server {

namespace {

struct Entry {
    Outcome outcome;
    int code;
    const char* enhanced;
    const char* text;
};

// In the order of enum Outcome. RFC 3463 subjects: x.1.x addresses, x.3.x mail system,
// x.4.x network and routing, x.5.x protocol, x.6.x content, x.7.x security and policy.
constexpr Entry table[] = {
    {Outcome::Greeting, 220, "", "{} ESMTP Sealpost"},
    {Outcome::Closing, 221, "2.0.0", "{} closing connection"},
    {Outcome::Timeout, 421, "4.4.2", "{} Error: timeout exceeded"},
    {Outcome::TooManyErrors, 421, "4.7.0", "{} Error: too many errors"},
    {Outcome::TooManyCommands, 421, "4.7.0", "{} Error: too many commands without mail"},
    {Outcome::TooManyAuthFailures, 421, "4.7.0",
     "{} Error: too many failed authentication attempts"},
    {Outcome::TooManyFromAddress, 421, "4.7.0", "too many connections from your address"},
    {Outcome::ServiceBusy, 421, "4.3.2", "service busy"},
    {Outcome::ShuttingDown, 421, "4.3.2", "{} service shutting down, try again later"},
    {Outcome::InternalError, 421, "4.3.0", "{} internal error, try again later"},
    {Outcome::Ok, 250, "2.0.0", "Ok"},
    {Outcome::SenderOk, 250, "2.1.0", "Sender ok"},
    {Outcome::RecipientOk, 250, "2.1.5", "Recipient ok"},
    {Outcome::Help, 214, "2.0.0",
     "Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT HELP VRFY STARTTLS AUTH (RFC 5321)"},
    {Outcome::CannotVerify, 252, "2.5.2",
     "Cannot VRFY user; send mail and delivery will be attempted"},
    {Outcome::StartData, 354, "", "End data with <CR><LF>.<CR><LF>"},
    {Outcome::ReadyForTls, 220, "2.0.0", "Ready to start TLS"},
    {Outcome::AuthSucceeded, 235, "2.7.0", "Authentication successful"},
    {Outcome::UnknownCommand, 500, "5.5.2", "Error: command not recognized"},
    {Outcome::NotImplemented, 502, "5.5.1", "Error: command not implemented"},
    {Outcome::CommandLineTooLong, 500, "5.5.2", "Error: command line too long"},
    {Outcome::BadCommandCharacters, 500, "5.5.2", "Error: control character in command line"},
    {Outcome::SyntaxError, 501, "5.5.4", "Syntax error"},
    {Outcome::BadSenderAddress, 501, "5.1.7", "Bad sender address syntax"},
    {Outcome::BadRecipientAddress, 501, "5.1.3", "Bad recipient address syntax"},
    {Outcome::BadParameter, 555, "5.5.4", "Unsupported or malformed parameter"},
    {Outcome::NeedsSmtputf8, 553, "5.6.7", "Non-ASCII address needs the SMTPUTF8 parameter"},
    {Outcome::NeedHelo, 503, "5.5.1", "Error: send HELO/EHLO first"},
    {Outcome::NeedMail, 503, "5.5.1", "Error: need MAIL command"},
    {Outcome::NeedRcpt, 503, "5.5.1", "Error: need RCPT command"},
    {Outcome::NestedMail, 503, "5.5.1", "Error: nested MAIL command"},
    {Outcome::TooManyRecipients, 452, "4.5.3", "Error: too many recipients"},
    {Outcome::MessageTooBig, 552, "5.3.4", "Error: message size exceeds fixed limit"},
    {Outcome::DataLineTooLong, 552, "5.3.4", "Error: line too long in message data"},
    {Outcome::BareLineEnding, 550, "5.6.0",
     "bare LF/CR in message data not allowed (SMTP smuggling protection)"},
    {Outcome::DeliveryFailed, 451, "4.3.0", "Error: internal error while processing the message"},
    {Outcome::AuthRequired, 530, "5.7.0", "Authentication required"},
    {Outcome::AuthNotOffered, 503, "5.5.1", "Error: authentication not enabled"},
    {Outcome::AuthNeedsTls, 538, "5.7.11",
     "Encryption required for requested authentication mechanism"},
    {Outcome::AuthAlreadyDone, 503, "5.5.1", "Error: already authenticated"},
    {Outcome::AuthInTransaction, 503, "5.5.1", "Error: AUTH not allowed in a mail transaction"},
    {Outcome::AuthUnknownMechanism, 504, "5.5.4", "Unrecognized authentication mechanism"},
    {Outcome::AuthCancelled, 501, "5.0.0", "Authentication cancelled"},
    {Outcome::AuthBadEncoding, 501, "5.5.2", "Cannot decode the authentication response"},
    {Outcome::AuthFailed, 535, "5.7.8", "Authentication credentials invalid"},
    {Outcome::AuthUnavailable, 454, "4.7.0", "Temporary authentication failure"},
    {Outcome::TlsNotOffered, 502, "5.5.1", "Error: STARTTLS not offered"},
    {Outcome::TlsAlreadyActive, 503, "5.5.1", "Error: TLS already active"},
    {Outcome::TlsUnavailable, 454, "4.7.0", "TLS not available due to temporary reason"},
    {Outcome::TlsInTransaction, 503, "5.5.1", "Error: STARTTLS not allowed in a mail transaction"},
    {Outcome::XforwardNotPermitted, 550, "5.7.0", "Error: insufficient authorization"},
    {Outcome::XforwardInTransaction, 503, "5.5.1",
     "Error: XFORWARD not permitted in a mail transaction"},
};

constexpr bool table_in_enum_order() {
    for (std::size_t i = 0; i < std::size(table); ++i) {
        if (static_cast<std::size_t>(table[i].outcome) != i) {
            return false;
        }
    }
    return std::size(table) == static_cast<std::size_t>(Outcome::XforwardInTransaction) + 1;
}
static_assert(table_in_enum_order(), "one entry per Outcome, in the enum's order");

constexpr std::size_t max_text_line = 500;

void append_line(std::string& out, const Reply& reply, std::string_view text, bool last) {
    out += std::to_string(reply.code);
    out += last ? ' ' : '-';
    if (!reply.enhanced.empty()) {
        out += reply.enhanced;
        out += ' ';
    }
    text = text.substr(0, max_text_line);
    for (char c : text) {
        unsigned char octet = static_cast<unsigned char>(c);
        out += (octet < 0x20 || octet == 0x7f) ? ' ' : c;
    }
    out += "\r\n";
}

}  // namespace

Reply reply_for(Outcome outcome, std::string_view detail) {
    const Entry& entry = table[static_cast<std::size_t>(outcome)];
    std::string text = entry.text;
    std::size_t slot = text.find("{}");
    if (slot != std::string::npos) {
        text.replace(slot, 2, detail);
    } else if (!detail.empty()) {
        text += ": ";
        text += detail;
    }
    return Reply{entry.code, entry.enhanced, std::move(text)};
}

std::string format_reply(const Reply& reply) {
    std::string out;
    std::string_view rest = reply.text;
    for (;;) {
        std::size_t end = rest.find('\n');
        if (end == std::string_view::npos) {
            append_line(out, reply, rest, true);
            return out;
        }
        append_line(out, reply, rest.substr(0, end), false);
        rest.remove_prefix(end + 1);
    }
}

}  // namespace sealpost::smtp::server
