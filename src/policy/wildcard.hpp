// The glob matcher behind rules.txt patterns, and the case folding both sides go through.
#pragma once

#include <string>
#include <string_view>

#include "common/ascii.hpp"

namespace sealpost::policy {

// True if `text` matches `pattern`, where `*` matches any run of characters (possibly none)
// and `?` exactly one UTF-8 character. Bytes are compared as they are: fold both sides with
// ascii_lower() first. Worst case O(pattern × text) time and O(1) space, never exponential.
bool wildcard_match(std::string_view pattern, std::string_view text);

using sealpost::ascii_lower;  // the case folding of both sides

}  // namespace sealpost::policy
