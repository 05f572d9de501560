// Reverse- and forward-paths (RFC 5321 §4.1.2 and §4.5.3.1, RFC 6531 for SMTPUTF8): found
// in a MAIL or RCPT argument and checked strictly, so that nothing but a well-formed address
// comes through the envelope into headers, log lines or a next hop's commands.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealpost::smtp::server {

// RFC 5321 §4.5.3.1.1-3.
constexpr std::size_t max_local_part_length = 64;
constexpr std::size_t max_domain_length = 255;
constexpr std::size_t max_path_length = 256;

enum class PathProblem { None, Syntax, TooLong, NeedsSmtputf8 };

struct PathRules {
    bool allow_null = false;        // "<>": the null reverse-path, for MAIL only
    bool allow_utf8 = false;        // non-ASCII addresses: only with the SMTPUTF8 parameter
    bool allow_postmaster = false;  // "<Postmaster>" without a domain: for RCPT only
};

struct PathCheck {
    PathProblem problem = PathProblem::None;
    std::string reason;   // what is wrong, for the reply text; empty when fine
    std::string mailbox;  // the address without <> and source route; empty for "<>"

    bool ok() const { return problem == PathProblem::None; }
};

// The length of the "<...>" at the start of `text`, up to and including the '>' that is not
// inside a quoted local part; 0 when `text` does not start with '<' or has no such '>'.
std::size_t find_path_end(std::string_view text);

// Checks one path as delimited by find_path_end, "<" and ">" included. A source route
// ("@a,@b:") is checked and dropped, as RFC 5321 §4.1.2 asks.
PathCheck check_path(std::string_view path, PathRules rules);

// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace sealpost::smtp::server
