// The names under which the key server publishes a key: WKD hashes (z-base-32 of SHA-1) and
// the RFC 7929 owner label (SHA2-256, first 28 octets), shared with key discovery.
#pragma once

#include <string>
#include <string_view>

#include "openpgp/key_names.hpp"

namespace sealpost::keyserver {

using openpgp::openpgpkey_label;
using openpgp::wkd_hash;
using openpgp::zbase32;

std::string ascii_lower(std::string_view text);

}  // namespace sealpost::keyserver
