// PKA1 TXT records: `v=pka1;fpr=<fingerprint>;uri=<where the key is>`, read strictly.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace sealpost::discovery {

struct PkaRecord {
    std::string fingerprint;  // upper-case hex, 40 (v4) or 64 (v5) digits
    std::string uri;
};

// The record, or why it is refused (a sentence naming the field at fault). Refused: a first
// field other than v=pka1, an unknown or repeated field, a fingerprint that is not 40 or 64
// hex digits, no uri. Spaces around fields and a trailing ';' are allowed.
std::variant<PkaRecord, std::string> parse_pka_record(std::string_view text);

}  // namespace sealpost::discovery
