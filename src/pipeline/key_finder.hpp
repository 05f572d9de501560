// The pipeline's view of key discovery (DESIGN.md §6): before deciding what to do with mail a
// local user sends, the pipeline asks for the keys of remote recipients it has none for. The
// daemon plugs src/discovery in; `sealpost process` may run without one.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace sealpost::pipeline {

class KeyFinder {
public:
    using Deadline = std::chrono::steady_clock::time_point;

    virtual ~KeyFinder() = default;

    // Looks for a key of `address` and imports it into the keystore if one is found and
    // checks out. Returns by `deadline` at the latest; never throws for a network problem or
    // hostile answer (those are logged and count as nothing found). `queue_id` names the
    // message the lookup is for, in the log.
    virtual void find(const std::string& address, Deadline deadline, std::string_view queue_id) = 0;
};

}  // namespace sealpost::pipeline
