// Removing header fields from raw message bytes, for a message that cannot be parsed and is
// passed on as it came: even then no field Sealpost owns may arrive from outside.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::mime {

// `raw` with every header field whose name starts with `prefix` (ASCII case ignored, any
// space before the colon allowed) removed, folded continuation lines included. Only the
// header block is touched (up to the first empty line); the body stays byte for byte.
std::string remove_raw_headers_with_prefix(std::string_view raw, std::string_view prefix);

}  // namespace sealpost::mime
