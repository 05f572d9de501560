// The rules.txt that `sealpost init` writes.
#pragma once

#include <string>

namespace sealpost::policy {

// Header comments with the full syntax, every tag, the precedence and the manual's examples,
// all commented out: as written it holds no entry, so the global switches decide alone.
std::string default_rules_text();

}  // namespace sealpost::policy
