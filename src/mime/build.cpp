// Writing PGP/MIME (RFC 3156 §4, §5) around the original's header fields, then parsing the
// result like any input.
#include "mime/build.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <optional>
#include <random>

#include "common/error.hpp"
#include "mime/gmime.hpp"
#include "mime/prescan.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::size_t wrapper_header_bytes = 64 * 1024;
constexpr int boundary_attempts = 8;

Limits relaxed(const Limits& limits) {
    Limits wider = limits;
    wider.max_depth += 1;
    wider.max_parts += 2;
    wider.max_header_bytes += wrapper_header_bytes;
    wider.max_boundary_work *= 2;  // one more multipart at most doubles the nesting term
    return wider;
}

// The original's top-level fields in order, without Content-* (GMime keeps those with the
// body), MIME-Version (written anew) and, when asked, Subject.
std::string outer_headers(const Message& original, bool without_subject,
                          std::span<const Field> replaced = {}) {
    GMimeHeaderList* list = g_mime_object_get_header_list(GMIME_OBJECT(detail::gmime(original)));
    std::string out;
    int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        std::string_view name = g_mime_header_get_name(header);
        if (text::istarts_with(name, "Content-") || text::iequals(name, "MIME-Version") ||
            (without_subject && text::iequals(name, "Subject")) ||
            std::any_of(replaced.begin(), replaced.end(),
                        [name](const Field& field) { return text::iequals(name, field.name); })) {
            continue;
        }
        out += gm::header_text(header);
    }
    return out + "MIME-Version: 1.0\r\n";
}

// A boundary that occurs in none of `contents` nor in `more` (RFC 2046 §5.1.1: at most 70
// characters).
std::string new_boundary(std::span<const std::string_view> contents, std::string_view more) {
    // Seeded once per thread: opening the system's random device costs more than the rest of
    // building a small message. Boundaries need to be unguessable only in the sense that a
    // sender cannot plant one; they are checked against the content besides.
    thread_local std::mt19937 random{std::random_device{}()};
    for (int attempt = 0; attempt < boundary_attempts; ++attempt) {
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "sealpost-%08x%08x%08x",
                      static_cast<unsigned>(random()), static_cast<unsigned>(random()),
                      static_cast<unsigned>(random()));
        std::string boundary = buffer;
        bool unused = more.find(boundary) == std::string_view::npos;
        for (std::string_view content : contents) {
            unused = unused && content.find(boundary) == std::string_view::npos;
        }
        if (unused) {
            return boundary;
        }
    }
    throw Error(ErrorKind::Internal, "no unused MIME boundary found");
}

std::string_view trim_space(std::string_view data) {
    std::size_t first = data.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    return data.substr(first, data.find_last_not_of(" \t\r\n") + 1 - first);
}

// Armor is 7-bit printable text (RFC 4880 §6); it is written with CRLF and no final break.
// Returns the armor trimmed, to be appended with text::append_crlf().
std::string_view checked_armor(std::string_view data, std::string_view begin, const char* what) {
    bool bad = false;  // a reduction, so that the compiler vectorises it: armor can be large
    for (char c : data) {
        auto byte = static_cast<unsigned char>(c);
        bad |= (byte > 126) | ((byte < 32) & (c != '\r') & (c != '\n') & (c != '\t'));
    }
    if (bad) {
        throw Error(ErrorKind::BadInput, std::string(what) + " is not ASCII armor");
    }
    std::string_view trimmed = trim_space(data);
    if (!trimmed.starts_with(begin)) {
        throw Error(ErrorKind::BadInput,
                    std::string(what) + " does not start with " + std::string(begin));
    }
    return trimmed;
}

void check_micalg(std::string_view micalg) {
    bool ok = micalg.starts_with("pgp-") && micalg.size() > 4 && micalg.size() <= 32;
    for (char c : micalg) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
    }
    if (!ok) {
        throw Error(ErrorKind::BadInput, "invalid micalg: '" + std::string(micalg) + "'");
    }
}

struct Entity {
    std::string content_fields;          // the Content-* fields, CRLF-ended
    std::optional<std::string> subject;  // the Subject field, when protected headers apply
    std::string_view body;
};

bool is_field_start(std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return false;
    }
    for (char c : line.substr(0, colon)) {
        if (c <= ' ' || c > '~') {
            return false;
        }
    }
    return true;
}

// Splits a decrypted entity (CRLF) into the fields kept and the body.
Entity split_entity(std::string_view entity) {
    Entity out;
    std::string subject;
    std::string* field = nullptr;
    text::Lines lines(entity);
    std::string_view line;
    std::size_t start = 0;
    while (lines.next(line, start) && !line.empty()) {
        bool continuation = text::is_lwsp(line.front());
        if (!continuation && !is_field_start(line)) {
            throw Error(ErrorKind::BadInput, "decrypted data is not a MIME entity");
        }
        if (!continuation) {
            field = text::istarts_with(line, "Content-")   ? &out.content_fields
                    : text::istarts_with(line, "Subject:") ? &subject
                                                           : nullptr;
        }
        if (field != nullptr) {
            *field += std::string(line) + "\r\n";
        }
    }
    out.body = entity.substr(std::min(lines.position(), entity.size()));
    if (!subject.empty() && text::icontains(out.content_fields, "protected-headers")) {
        out.subject = subject;
    }
    return out;
}

}  // namespace

std::string signed_message(const Message& original, std::string_view entity,
                           std::string_view signature, std::string_view micalg) {
    std::string_view pieces[] = {entity};
    return signed_message(original, pieces, signature, micalg);
}

std::string signed_message(const Message& original, std::span<const std::string_view> entity,
                           std::string_view signature, std::string_view micalg) {
    std::size_t size = 0;
    for (std::string_view piece : entity) {
        if (!text::is_crlf(piece)) {
            throw Error(ErrorKind::BadInput, "signed entity is not in CRLF canonical form");
        }
        size += piece.size();
    }
    if (size == 0) {
        throw Error(ErrorKind::BadInput, "signed entity is empty");
    }
    check_micalg(micalg);
    std::string armor =
        text::to_crlf(checked_armor(signature, "-----BEGIN PGP SIGNATURE-----", "signature"));
    std::string boundary = new_boundary(entity, armor);

    std::string out = outer_headers(original, false);
    out.reserve(out.size() + size + armor.size() + 1024);
    out += "Content-Type: multipart/signed; micalg=\"" + std::string(micalg) + "\";\r\n";
    out += " protocol=\"application/pgp-signature\";\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n";
    out += "--" + boundary + "\r\n";
    for (std::string_view piece : entity) {
        out += piece;
    }
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n";
    out += "Content-Description: OpenPGP digital signature\r\n";
    out += "Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n";
    out += armor + "\r\n--" + boundary + "--\r\n";
    return out;
}

namespace {

EncryptedFrame frame_with(const Message& original, const std::string& boundary) {
    EncryptedFrame frame;
    std::string& out = frame.head;
    out = outer_headers(original, false);
    out += "Content-Type: multipart/encrypted;\r\n protocol=\"application/pgp-encrypted\";\r\n";
    out += " boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n";
    out += "--" + boundary + "\r\n";
    out += "Content-Type: application/pgp-encrypted\r\n";
    out += "Content-Description: PGP/MIME version identification\r\n\r\n";
    out += "Version: 1\r\n\r\n";
    out += "--" + boundary + "\r\n";
    out += "Content-Type: application/octet-stream; name=\"encrypted.asc\"\r\n";
    out += "Content-Description: OpenPGP encrypted message\r\n";
    out += "Content-Disposition: inline; filename=\"encrypted.asc\"\r\n\r\n";
    frame.tail = "--" + boundary + "--\r\n";
    return frame;
}

}  // namespace

EncryptedFrame encrypted_frame(const Message& original) {
    return frame_with(original, new_boundary({}, {}));
}

std::string encrypted_message(const Message& original, std::string_view armored_ciphertext) {
    std::string_view armor =
        checked_armor(armored_ciphertext, "-----BEGIN PGP MESSAGE-----", "ciphertext");
    std::string_view pieces[] = {armor};
    EncryptedFrame frame = frame_with(original, new_boundary(pieces, {}));
    std::string out = std::move(frame.head);
    out.reserve(out.size() + armor.size() + armor.size() / 32 + frame.tail.size());
    text::append_crlf(out, armor);
    out += "\r\n" + frame.tail;
    return out;
}

std::string EncryptedFrame::open(std::size_t plaintext_size) {
    std::string out = std::move(head);
    // Armor: 4/3 of the binary, a CRLF after every 64 characters; packet headers besides.
    std::size_t armor = plaintext_size + plaintext_size / 3 + plaintext_size / 16 + 4096;
    out.reserve(out.size() + armor + tail.size());
    return out;
}

void EncryptedFrame::close(std::string& out) const {
    if (!out.ends_with("\r\n")) {
        out += "\r\n";
    }
    out += tail;
}

void CrlfAppender::operator()(std::string_view chunk) {
    if (chunk.empty()) {
        return;
    }
    if (chunk.front() == '\n') {  // its CR, if any, ended the chunk before
        out_ += after_cr_ ? "\n" : "\r\n";
        chunk.remove_prefix(1);
    }
    text::append_crlf(out_, chunk);
    after_cr_ = !chunk.empty() && chunk.back() == '\r';
}

Message build_signed(const Message& original, std::string_view entity, std::string_view signature,
                     std::string_view micalg, const Limits& limits) {
    return parse(signed_message(original, entity, signature, micalg), relaxed(limits));
}

Message build_encrypted(const Message& original, std::string_view armored_ciphertext,
                        const Limits& limits) {
    return parse(encrypted_message(original, armored_ciphertext), relaxed(limits));
}

Message replace_body(const Message& original, std::string_view decrypted_entity,
                     const Limits& limits) {
    return replace_body_in_place(original, std::string(decrypted_entity), limits);
}

namespace {

// The entity's bytes made into the message: the original's fields (less those named in
// `fields`), the entity's Subject, `fields`, the entity's Content-* fields, the empty line, the
// entity's body.
std::string& with_new_head(const Message& original, std::string& bytes,
                           std::span<const Field> fields) {
    if (!text::is_crlf(bytes)) {
        bytes = text::to_crlf(bytes);
    }
    Entity entity = split_entity(bytes);
    std::string head = outer_headers(original, entity.subject.has_value(), fields);
    head += entity.subject.value_or("");
    head += gm::formatted_fields(fields);  // before the Content-* fields, as GMime sets them
    head += entity.content_fields;
    head += "\r\n";
    auto body_at = static_cast<std::size_t>(entity.body.data() - bytes.data());
    bytes.replace(0, body_at, head);
    return bytes;
}

}  // namespace

Message replace_body_in_place(const Message& original, std::string&& decrypted_entity,
                              const Limits& limits) {
    return parse_owned(std::move(with_new_head(original, decrypted_entity, {})), limits);
}

std::string replace_body_bytes(const Message& original, std::string&& decrypted_entity,
                               std::span<const Field> fields, const Limits& limits) {
    std::string& bytes = with_new_head(original, decrypted_entity, fields);
    Prescan bounds = prescan(bytes, limits);
    if (bounds.depth_bound > limits.max_depth || bounds.parts_bound > limits.max_parts) {
        return parse_owned(std::move(bytes), limits).release();  // exactly, on GMime's tree
    }
    return std::move(bytes);
}

}  // namespace sealpost::mime
