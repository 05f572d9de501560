// Reading PGP/MIME and inline PGP out of a received message; PGP/MIME at the top level only.
#include "mime/extract.hpp"

#include "common/error.hpp"
#include "mime/armor.hpp"
#include "mime/gmime.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::size_t max_inline_blocks = 64;

[[noreturn]] void malformed(const std::string& what) {
    throw Error(ErrorKind::BadInput, "malformed PGP/MIME message: " + what);
}

// The leaf part at `index` of a two-part multipart, which must have type/subtype.
GMimePart* required_part(GMimeObject* multipart, std::size_t index, const char* type,
                         const char* subtype) {
    if (gm::child_count(multipart) != 2) {
        malformed("expected two parts");
    }
    GMimeObject* part = gm::child(multipart, index);
    if (!GMIME_IS_PART(part) || !gm::is_type(part, type, subtype)) {
        malformed("part " + std::to_string(index + 1) + " is not " + type + "/" + subtype);
    }
    return GMIME_PART(part);
}

enum class BoundaryLine { None, Delimiter, Close };

// RFC 2046 §5.1.1 as GMime reads it: "--" boundary, "--" for the close delimiter, then only
// linear white space.
BoundaryLine boundary_line(std::string_view line, std::string_view boundary) {
    if (!line.starts_with("--") || !line.substr(2).starts_with(boundary)) {
        return BoundaryLine::None;
    }
    std::string_view rest = line.substr(2 + boundary.size());
    if (text::rtrim_lwsp(rest).empty()) {
        return BoundaryLine::Delimiter;
    }
    if (rest.starts_with("--") && text::rtrim_lwsp(rest.substr(2)).empty()) {
        return BoundaryLine::Close;
    }
    return BoundaryLine::None;
}

// The first part of a multipart body, as the bytes between the first delimiter line and the
// CRLF that belongs to the next boundary line.
std::string first_part(std::string_view body, std::string_view boundary) {
    text::Lines lines(body);
    std::string_view line;
    std::size_t start = 0;
    std::size_t content_start = std::string_view::npos;
    while (lines.next(line, start)) {
        BoundaryLine kind = boundary_line(line, boundary);
        if (content_start == std::string_view::npos) {
            content_start = kind == BoundaryLine::Delimiter ? lines.position() : content_start;
        } else if (kind != BoundaryLine::None) {
            std::size_t end = start >= content_start + 2 ? start - 2 : content_start;
            return std::string(body.substr(content_start, end - content_start));
        }
    }
    malformed("signed part not closed by a boundary");
}

std::vector<GMimePart*> body_text_parts(GMimeObject* body) {
    std::vector<GMimePart*> parts;
    gm::walk(body, [&parts](GMimeObject* object, std::size_t) {
        if (GMIME_IS_MESSAGE_PART(object) || gm::is_attachment(object)) {
            return false;
        }
        if (GMIME_IS_PART(object) && gm::is_type(object, "text", "plain")) {
            parts.push_back(GMIME_PART(object));
        }
        return true;
    });
    return parts;
}

Kind kind_of(armor::Type type) {
    return type == armor::Type::Message ? Kind::InlineEncrypted : Kind::InlineSigned;
}

}  // namespace

std::optional<std::string_view> encrypted_payload_view(const Message& message,
                                                       std::string& storage) {
    GMimeObject* body = message.state().body_entity();
    if (!gm::has_protocol(body, "encrypted", "application/pgp-encrypted")) {
        return std::nullopt;
    }
    required_part(body, 0, "application", "pgp-encrypted");
    GMimePart* payload = required_part(body, 1, "application", "octet-stream");
    return gm::content_view(payload, storage);
}

std::optional<std::string> encrypted_payload(const Message& message) {
    std::string storage;
    auto view = encrypted_payload_view(message, storage);
    if (!view) {
        return std::nullopt;
    }
    return view->data() == storage.data() ? std::move(storage) : std::string(*view);
}

std::optional<SignedParts> signed_parts(const Message& message) {
    GMimeObject* body = message.state().body_entity();
    if (!gm::has_protocol(body, "signed", "application/pgp-signature")) {
        return std::nullopt;
    }
    GMimePart* signature = required_part(body, 1, "application", "pgp-signature");
    const char* boundary = g_mime_multipart_get_boundary(GMIME_MULTIPART(body));
    if (boundary == nullptr || *boundary == '\0') {
        malformed("multipart/signed without a boundary");
    }
    SignedParts parts;
    parts.entity = first_part(message.state().body(), boundary);
    parts.signature = gm::content_of(signature, gm::Content::Decoded);
    parts.micalg = text::lower(gm::content_type_parameter(body, "micalg").value_or(""));
    return parts;
}

std::vector<InlineBlock> inline_blocks(const Message& message) {
    GMimeObject* body = message.state().body_entity();
    std::vector<InlineBlock> found;
    for (GMimePart* part : body_text_parts(body)) {
        std::string decoded;
        std::string converted;
        std::string_view content = text::crlf_view(gm::content_view(part, decoded), converted);
        for (const armor::Block& block : armor::find(content, max_inline_blocks)) {
            if (block.type == armor::Type::PublicKey || found.size() == max_inline_blocks) {
                continue;
            }
            bool whole = GMIME_OBJECT(part) == body && armor::stands_alone(content, block.text);
            found.push_back({kind_of(block.type), std::string(block.text), whole});
        }
    }
    return found;
}

}  // namespace sealpost::mime
