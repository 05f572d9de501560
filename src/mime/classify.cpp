// Classification of a parsed message and the header tests for mail never to encrypt.
#include "mime/classify.hpp"

#include "mime/extract.hpp"
#include "mime/gmime.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

bool is_pgp_mime(GMimeObject* object) {
    return gm::has_protocol(object, "encrypted", "application/pgp-encrypted") ||
           gm::has_protocol(object, "signed", "application/pgp-signature");
}

// The first word of a field value, comments and parameters aside: "auto-replied; x=y".
std::string_view keyword(std::string_view value) {
    value = text::trim_lwsp(value);
    std::size_t end = value.find_first_of(" \t;(");
    return value.substr(0, end);
}

bool says_yes(const std::optional<std::string>& value) {
    return value && !text::iequals(keyword(*value), "no");
}

}  // namespace

const char* to_string(Kind kind) {
    switch (kind) {
        case Kind::Plain:
            return "plain";
        case Kind::PgpMimeEncrypted:
            return "pgp-mime-encrypted";
        case Kind::PgpMimeSigned:
            return "pgp-mime-signed";
        case Kind::InlineEncrypted:
            return "inline-encrypted";
        case Kind::InlineSigned:
            return "inline-signed";
    }
    return "unknown";
}

Kind classify(const Message& message) {
    GMimeObject* body = message.state().body_entity();
    if (is_pgp_mime(body)) {
        return gm::is_type(body, "multipart", "encrypted") ? Kind::PgpMimeEncrypted
                                                           : Kind::PgpMimeSigned;
    }
    Kind kind = Kind::Plain;
    for (const InlineBlock& block : inline_blocks(message)) {
        if (block.kind == Kind::InlineEncrypted) {
            return Kind::InlineEncrypted;
        }
        kind = block.kind;
    }
    return kind;
}

bool has_nested_pgp_mime(const Message& message) {
    bool found = false;
    gm::walk(message.state().body_entity(), [&found](GMimeObject* object, std::size_t depth) {
        found = found || (depth > 1 && is_pgp_mime(object));
        return !found;
    });
    return found;
}

bool is_auto_reply(const Message& message) {
    return says_yes(message.header("Auto-Submitted")) || says_yes(message.header("X-Autoreply")) ||
           says_yes(message.header("X-Autorespond"));
}

bool is_forwarded(const Message& message) {
    return message.header("Resent-From").has_value() || message.header("Resent-Sender").has_value();
}

}  // namespace sealpost::mime
