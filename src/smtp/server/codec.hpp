// The two encodings SMTP extensions put on the wire: base64 (RFC 4648 §4) for AUTH
// exchanges and xtext (RFC 3461 §4) for XFORWARD and AUTH= values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sealpost::smtp::server {

std::string encode_base64(std::string_view bytes);

// Strict: only the base64 alphabet, length a multiple of 4, '=' padding only at the end.
// nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text);

// "+XX" (two upper-case hex digits) stands for one octet; every other character must be
// printable ASCII other than '+' and '='. nullopt for anything else.
std::optional<std::string> decode_xtext(std::string_view text);

}  // namespace sealpost::smtp::server
