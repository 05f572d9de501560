// MIME entities in the canonical form that OpenPGP signs and encrypts (RFC 3156 §3, §5):
// CRLF line endings, and content that survives any mail transport unchanged.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "mime/message.hpp"

namespace sealpost::mime {

// The message's body entity (its Content-* fields and body) ready to be signed or encrypted.
// A leaf part is re-encoded when its bytes as they stand could be altered on the way: 8-bit
// or binary data, NUL, lines over 998 octets, trailing white space, or a line starting with
// "From " (mbox escaping). Text parts become quoted-printable (line breaks made CRLF), other
// parts base64. Nothing inside a multipart/signed or multipart/encrypted is touched (that
// would break someone's signature), and when no part needs re-encoding the entity is
// returned exactly as received. The result uses CRLF throughout.
// LIMITATION: header fields of the entity and multipart preambles are kept as they are; a
// raw 8-bit file name in a Content-Disposition stays 8-bit and needs an 8BITMIME path.
std::string signable_entity(const Message& message);

// signable_entity() in two pieces, so a large body is not copied to be signed or encrypted:
// `head` holds the entity's header fields and the empty line, `body` is a view into the
// message's own bytes (empty when a part had to be re-encoded: then all of it is in `head`).
// Valid while the message is.
struct SignableEntity {
    std::string head;
    std::string_view body;

    std::array<std::string_view, 2> pieces() const { return {head, body}; }
};
SignableEntity signable_entity_pieces(const Message& message);

// A text/plain entity holding `text` (line breaks made CRLF; quoted-printable when it is not
// 7-bit safe), for plaintext that came out of an inline PGP block. `charset` is an IANA
// charset name; Error(BadInput) if it is not a plain token.
std::string text_entity(std::string_view text, std::string_view charset = "utf-8");

// RFC 2045 §6.7 quoted-printable for text: CRLF line breaks kept as hard breaks, lines at
// most 76 octets, trailing white space and a leading "From " encoded.
std::string quoted_printable(std::string_view text);

}  // namespace sealpost::mime
