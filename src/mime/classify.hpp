// What kind of OpenPGP message this is, and whether it is one Sealpost must not encrypt.
#pragma once

#include "mime/message.hpp"

namespace sealpost::mime {

enum class Kind {
    Plain,             // no OpenPGP structure Sealpost acts on
    PgpMimeEncrypted,  // top level is multipart/encrypted, application/pgp-encrypted (RFC 3156 §4)
    PgpMimeSigned,     // top level is multipart/signed, application/pgp-signature (RFC 3156 §5)
    InlineEncrypted,   // a body text part holds an armored PGP MESSAGE
    InlineSigned,      // a body text part holds a cleartext-signed message (RFC 4880 §7)
};

const char* to_string(Kind kind);  // "plain", "pgp-mime-encrypted", ...

// PGP/MIME counts only at the top level; a multipart/encrypted or /signed nested below it
// (inside an attacker's multipart/mixed, or a mailing list's footer wrapper) leaves the
// message Plain, see has_nested_pgp_mime(). Inline blocks count in any text part of the body
// that is not an attachment and not inside an attached message; encrypted wins over signed.
Kind classify(const Message& message);

// True when a PGP/MIME multipart sits below the top level.
bool has_nested_pgp_mime(const Message& message);

// RFC 3834 §5: Auto-Submitted with any value but "no"; also X-Autoreply and X-Autorespond,
// which vacation programs that predate RFC 3834 set. Precedence: bulk/junk/list is not
// taken as an auto-reply: it marks list mail too, which may well be encrypted.
bool is_auto_reply(const Message& message);

// A message re-sent by a forwarder or a "redirect"/"bounce" command, which adds RFC 5322
// §3.6.6 Resent-From or Resent-Sender.
// LIMITATION: a server-side forward that adds no Resent-* field (Sieve "redirect", a
// .forward file, an alias) cannot be told from the message; the pipeline has to recognise
// it from the envelope.
bool is_forwarded(const Message& message);

}  // namespace sealpost::mime
