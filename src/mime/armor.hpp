// Finds ASCII-armored OpenPGP blocks (RFC 4880 §6.2) in text, for src/mime/ only. A block
// counts only when its armor lines start a line, so a quoted block ("> -----BEGIN ...") or a
// dash-escaped one inside a cleartext signature is not found.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace sealpost::mime::armor {

enum class Type { Message, SignedMessage, PublicKey };

struct Block {
    Type type;
    std::string_view text;  // from the BEGIN line to the END line, without the final line end
};

// At most `max_blocks` complete blocks, in order; a block without its END line is left out.
std::vector<Block> find(std::string_view text, std::size_t max_blocks);

// True when `text` holds nothing but white space outside `block` (a view into `text`).
bool stands_alone(std::string_view text, std::string_view block);

}  // namespace sealpost::mime::armor
