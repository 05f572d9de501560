// Building the messages Sealpost sends on: PGP/MIME signed and encrypted (RFC 3156), and a
// received message with its decrypted body put in place. Each takes the original's header
// fields other than Content-* and MIME-Version, and returns a freshly parsed Message, so the
// result is checked against `limits` like any input (with room for the one level and two
// parts a PGP/MIME wrapper adds).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "mime/message.hpp"

namespace sealpost::mime {

// RFC 3156 §5 multipart/signed: `entity` exactly as signed (signable_entity(), CRLF), then
// an application/pgp-signature part holding the armored detached `signature`. `micalg` is
// "pgp-" and the hash name, e.g. "pgp-sha256". Error(BadInput) if the entity is not CRLF or
// the signature not 7-bit ASCII armor.
Message build_signed(const Message& original, std::string_view entity, std::string_view signature,
                     std::string_view micalg, const Limits& limits = {});

// RFC 3156 §4 multipart/encrypted: a "Version: 1" application/pgp-encrypted part and the
// `armored_ciphertext` (of the whole signable entity) as application/octet-stream.
// LIMITATION: the Subject and other header fields stay readable outside the ciphertext;
// protected headers (draft-autocrypt-lamps-protected-headers) are not written.
Message build_encrypted(const Message& original, std::string_view armored_ciphertext,
                        const Limits& limits = {});

// The bytes build_signed() and build_encrypted() parse, for a caller that only sends them on:
// a large message is then not parsed a second time. Same checks and errors, no limits (the
// wrapper is ours, around an original that passed them).
std::string signed_message(const Message& original, std::string_view entity,
                           std::string_view signature, std::string_view micalg);
std::string encrypted_message(const Message& original, std::string_view armored_ciphertext);

// signed_message() on an entity in pieces (signable_entity_pieces()), joined only in the
// result.
std::string signed_message(const Message& original, std::span<const std::string_view> entity,
                           std::string_view signature, std::string_view micalg);

// The multipart/encrypted message of encrypted_message() around a ciphertext still to be
// made: `head` ends where the armored ciphertext goes, which close() ends after it. Whoever
// fills the gap must write armor with CRLF line breaks (CrlfAppender). The boundary cannot
// occur in ASCII armor: no armor line starts with "--s".
struct EncryptedFrame {
    std::string head;
    std::string tail;  // the closing delimiter line

    // The message so far (`head`, taken), with room for the armor of `plaintext_size` bytes
    // and the rest, so a large ciphertext is not copied as the string grows.
    std::string open(std::size_t plaintext_size);
    // Appends the line break the armor may lack, and the closing delimiter.
    void close(std::string& out) const;
};
EncryptedFrame encrypted_frame(const Message& original);

// Appends bytes arriving in chunks to a string, turning each bare LF into CRLF, also when a
// CRLF pair is split between two chunks.
class CrlfAppender {
public:
    explicit CrlfAppender(std::string& out) : out_(out) {}
    void operator()(std::string_view chunk);

private:
    std::string& out_;
    bool after_cr_ = false;
};

// The received message with `decrypted_entity` (a MIME entity: Content-* fields, empty line,
// body) as its body. Only the entity's Content-* fields are taken: any other field in it,
// such as a forged X-Sealpost-* result, is dropped. When the entity's Content-Type carries
// protected-headers (as Thunderbird writes), its Subject replaces the outer one, which such
// senders set to "...". Error(BadInput) when the bytes do not start with a header block.
Message replace_body(const Message& original, std::string_view decrypted_entity,
                     const Limits& limits = {});

// replace_body() that reuses the entity's own string for the message: the new header block
// takes the place of the entity's header fields and the body stays where it is (moved within
// the string when the block is longer and the string has room, as decrypt() leaves it).
Message replace_body_in_place(const Message& original, std::string&& decrypted_entity,
                              const Limits& limits = {});

// replace_body_in_place() with `fields` then set on the result, as the bytes to send on: for
// a caller with nothing more to ask of the message, which is then checked against `limits`
// by the prescan's bounds (never below what GMime would build; past them it is parsed) and
// not parsed a second time, as parsing costs as much as all the rest. Fields are written as
// Message::set_header() writes them, and replace the original's fields of the same names.
// Error(LimitExceeded) or Error(BadInput) as replace_body_in_place().
std::string replace_body_bytes(const Message& original, std::string&& decrypted_entity,
                               std::span<const Field> fields, const Limits& limits = {});

}  // namespace sealpost::mime
