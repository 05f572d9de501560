// A walk over OpenPGP packet headers (RFC 4880 §4.2) that looks at no packet body: enough to
// refuse oversized user IDs with a clear message before librnp parses anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "openpgp/keyring.hpp"

namespace sealpost::openpgp {

// Binary packets of `data`, removing ASCII armor if there is any. Returns `data` unchanged
// when it is not armored or the armor is unreadable (librnp reports that later).
std::string dearmored(std::string_view data);

// Throws Error(LimitExceeded) naming the packet when a user ID or user attribute packet is
// larger than `limits.max_user_id_bytes`. Malformed headers are left for librnp to refuse.
void check_packet_sizes(std::string_view binary, const KeyLimits& limits);

}  // namespace sealpost::openpgp
