// The names under which the key server publishes a key: WKD hashes (z-base-32 of SHA-1) and
// the RFC 7929 owner label (SHA2-256, first 28 octets), shared with key discovery.
#pragma once

#include <string>
#include <string_view>

#include "common/ascii.hpp"
#include "openpgp/key_names.hpp"

namespace sealpost::keyserver {

using openpgp::openpgpkey_label;
using openpgp::wkd_hash;
using openpgp::zbase32;

using sealpost::ascii_lower;

}  // namespace sealpost::keyserver
