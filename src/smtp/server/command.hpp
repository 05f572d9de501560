// One SMTP command line (RFC 5321 §4.1) taken apart: the verb and its argument, and for MAIL
// and RCPT the checked path and ESMTP parameters. Pure functions without I/O; what cannot be
// accepted comes back as the reply that says why.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "smtp/server/handler.hpp"

namespace sealpost::smtp::server {

// Either what was parsed, or the reply for the client that says what is wrong with it.
template <typename T>
using Parsed = std::variant<T, Reply>;

struct CommandLine {
    std::string verb;           // upper case
    std::string_view argument;  // after the verb and its spaces, without trailing spaces
};

// `line` is one command line without its line ending. Control characters anywhere (CR, NUL,
// ...) get 500 5.5.2; a verb that is not made of letters gets 500 5.5.2 as unknown.
Parsed<CommandLine> parse_command(std::string_view line);

enum class BodyType { Unspecified, SevenBit, EightBitMime };

struct MailFrom {
    std::string sender;  // without <> and source route; empty for the null reverse-path
    std::optional<std::uint64_t> declared_size;  // SIZE= (RFC 1870)
    BodyType body = BodyType::Unspecified;       // BODY= (RFC 6152)
    bool smtputf8 = false;                       // SMTPUTF8 (RFC 6531)
};

struct RcptTo {
    std::string recipient;  // without <> and source route; may be "Postmaster" alone
};

// The argument of MAIL: "FROM:<path> [parameters]". AUTH= (RFC 4954 §5) is accepted and
// ignored: Sealpost only trusts its own AUTH or a trusted listener.
Parsed<MailFrom> parse_mail_from(std::string_view argument);

// The argument of RCPT: "TO:<path>". No RCPT parameter is offered, so any is refused.
// `smtputf8` is whether this transaction's MAIL carried SMTPUTF8.
Parsed<RcptTo> parse_rcpt_to(std::string_view argument, bool smtputf8);

}  // namespace sealpost::smtp::server
