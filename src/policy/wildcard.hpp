// The glob matcher behind rules.txt patterns, and the case folding both sides go through.
#pragma once

#include <string>
#include <string_view>

namespace sealpost::policy {

// True if `text` matches `pattern`, where `*` matches any run of characters (possibly none)
// and `?` exactly one UTF-8 character. Bytes are compared as they are: fold both sides with
// ascii_lower() first. Worst case O(pattern × text) time and O(1) space, never exponential.
bool wildcard_match(std::string_view pattern, std::string_view text);

// Lowercases A-Z only; other bytes, UTF-8 included, stay as they are.
std::string ascii_lower(std::string_view text);

}  // namespace sealpost::policy
