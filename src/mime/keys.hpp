// Public keys a sender attached to a message, for auto-import (DESIGN.md §4).
#pragma once

#include <string>
#include <vector>

#include "mime/message.hpp"

namespace sealpost::mime {

// Each ASCII-armored "PUBLIC KEY BLOCK" found in an application/pgp-keys part, in a part
// whose file name ends in ".asc", or in a text part of the body; and the whole content of an
// application/pgp-keys part that holds no armor (a binary key). Parts inside an attached
// message (message/rfc822) or a multipart/encrypted are not searched: a key someone else
// sent, forwarded by our user, is not our user's to import. At most 64 blocks.
std::vector<std::string> find_public_key_blocks(const Message& message);

}  // namespace sealpost::mime
