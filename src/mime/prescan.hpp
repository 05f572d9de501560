// A single pass over a message's raw bytes that refuses, before GMime parses anything, the
// inputs that would cost GMime unbounded time or memory. Internal to src/mime/.
//
// GMime keeps every header block in memory and compares each line starting with "--"
// against every enclosing boundary, so a 100 MB header or a deep nesting followed by many
// "--" lines costs it gigabytes or minutes. The checks here over-approximate what GMime will
// do rather than re-implement its parser:
//   - header blocks: the top-level one, and any run of lines after a line that matches a
//     boundary GMime could know, or after a header block that names a message/* type (or
//     could be a digest entry), up to an empty line; all together within max_header_bytes;
//   - boundaries GMime could know: those of every line that GMime would read as a
//     Content-Type field naming "multipart", parsed with GMime's own parser;
//   - parts: lines matching such a boundary, within max_parts;
//   - boundary work: (bytes of "--" lines + 32 per line) × min(multipart fields, boundary
//     lines + 1), within max_boundary_work.
// LIMITATION: because the header blocks are over-approximated, a broken part whose header
// block has no empty line after it, followed by more than max_header_bytes of text without
// an empty line, is refused although GMime could read it, so Sealpost cannot sign or
// decrypt that message.
#pragma once

#include <cstdint>
#include <string_view>

#include "mime/message.hpp"

namespace sealpost::mime {

struct Prescan {
    std::uint64_t depth_bound = 1;  // GMime's tree of these bytes is at most this deep
    std::uint64_t parts_bound = 1;  // and has at most this many parts
};

// Throws Error(LimitExceeded) naming the limit when `raw` could exceed it, and
// Error(BadInput) for a NUL byte in what could be a header block (RFC 5322 §2.2 forbids it).
// Depth, and parts of message/* bodies, are left to the check of the tree GMime builds (no
// linear pass can tell them exactly); the bounds returned say when that check cannot fail.
Prescan prescan(std::string_view raw, const Limits& limits);

}  // namespace sealpost::mime
