// Reading OpenPGP data out of a received message: the PGP/MIME ciphertext, the signed entity
// and its detached signature, and inline armored blocks. Results are bytes for openpgp/.
//
// EFAIL defence (DESIGN.md §5): PGP/MIME is read only at the top level. A multipart/encrypted
// nested in a multipart/mixed that anyone could have put around it is never handed out, so
// its plaintext can never be spliced into attacker content: the pipeline can only pass such
// a message on unchanged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mime/classify.hpp"
#include "mime/message.hpp"

namespace sealpost::mime {

// The ASCII-armored ciphertext: the application/octet-stream part of a top-level RFC 3156
// multipart/encrypted, transfer encoding undone. nullopt when the top level is not PGP/MIME
// encrypted; Error(BadInput) when it claims to be but its two parts are not as §4 says.
std::optional<std::string> encrypted_payload(const Message& message);
// The same without a copy where the part's bytes can be read in place (see
// gm::content_view): the view lives as long as `message` or `storage`.
std::optional<std::string_view> encrypted_payload_view(const Message& message,
                                                       std::string& storage);

struct SignedParts {
    std::string entity;     // the first part exactly as transmitted, CRLF (RFC 3156 §5)
    std::string signature;  // the detached signature, transfer encoding undone
    std::string micalg;     // lower-cased, e.g. "pgp-sha256"; empty when absent
};

// The parts of a top-level multipart/signed with protocol application/pgp-signature. nullopt
// when the top level is not that; Error(BadInput) when its structure is broken.
std::optional<SignedParts> signed_parts(const Message& message);

struct InlineBlock {
    Kind kind;            // InlineEncrypted or InlineSigned
    std::string armored;  // BEGIN line to END line, CRLF, as the text part carries it
    // The message body is this one text part and nothing but white space surrounds the block.
    // Only then may the pipeline replace the body with the plaintext; otherwise decrypting
    // would mix plaintext with content the sender may not have written.
    // LIMITATION: a client that sends the armored block as multipart/alternative (text and
    // HTML renderings of it) or appends a footer gets whole_body false, so such a message is
    // delivered still encrypted and the user must decrypt it in their own client.
    bool whole_body;
};

// The inline PGP blocks of the body's text parts (see classify()), in document order, at most
// 64 of them.
std::vector<InlineBlock> inline_blocks(const Message& message);

}  // namespace sealpost::mime
