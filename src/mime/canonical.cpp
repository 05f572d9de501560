// RFC 3156 canonical entities: which parts must be re-encoded, and our quoted-printable.
#include "mime/canonical.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "common/error.hpp"
#include "mime/gmime.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::size_t max_line = 998;    // RFC 5322 §2.1.1, CRLF excluded
constexpr std::size_t max_qp_line = 76;  // RFC 2045 §6.7 rule 5, the soft break's "=" included

// No NUL and no 8-bit byte; counts the CRs. Parts can be megabytes: each question is a
// simple pass the compiler vectorises (or memchr), not one loop asking all three per byte.
bool is_seven_bit(std::string_view bytes, std::size_t& crs) {
    unsigned char high = 0;
    for (char c : bytes) {
        high |= static_cast<unsigned char>(c);
    }
    if ((high & 0x80) != 0 || bytes.find('\0') != std::string_view::npos) {
        return false;
    }
    crs = static_cast<std::size_t>(std::count(bytes.begin(), bytes.end(), '\r'));
    return true;
}

// A line without its line break: short, and safe from mbox and white-space mangling.
bool line_is_safe(std::string_view line) {
    return line.size() <= max_line && !line.starts_with("From ") &&
           (line.empty() || !text::is_lwsp(line.back()));
}

// True when `bytes` is CRLF text with 7-bit lines that are short and safe from mbox and
// white-space mangling, so it can be sent as it is. Parts can be megabytes: the bytes are
// checked in one pass, then the lines; a CR anywhere but before an LF shows in the count.
bool is_transport_safe(std::string_view bytes) {
    std::size_t crs = 0;
    if (!is_seven_bit(bytes, crs)) {
        return false;
    }
    std::size_t line_ends = 0;
    std::size_t start = 0;
    while (start < bytes.size()) {
        std::size_t end = bytes.find('\n', start);
        if (end == std::string_view::npos) {
            return line_is_safe(bytes.substr(start)) && crs == line_ends;
        }
        if (end == start || bytes[end - 1] != '\r' ||
            !line_is_safe(bytes.substr(start, end - 1 - start))) {
            return false;
        }
        ++line_ends;
        start = end + 1;
    }
    return crs == line_ends;
}

bool is_literal(unsigned char byte) {
    return byte >= 33 && byte <= 126 && byte != '=';
}

void append_escaped(std::string& out, unsigned char byte) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    const char escaped[3] = {'=', hex[byte >> 4], hex[byte & 15]};
    out.append(escaped, 3);
}

// Whether the byte at `i` of `line` may stand as itself when it starts column `column`.
bool stays_literal(std::string_view line, std::size_t i, std::size_t column) {
    if (column == 0 && line.substr(i).starts_with("From ")) {
        return false;
    }
    bool last = i + 1 == line.size();
    return is_literal(static_cast<unsigned char>(line[i])) || (text::is_lwsp(line[i]) && !last);
}

// One line of text without its line break.
void encode_line(std::string_view line, std::string& out) {
    std::size_t column = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        bool literal = stays_literal(line, i, column);
        std::size_t width = literal ? 1 : 3;
        // Keep room for the "=" of a soft break unless this is the last token of the line.
        std::size_t limit = i + 1 == line.size() ? max_qp_line : max_qp_line - 1;
        if (column + width > limit) {
            out += "=\r\n";
            column = 0;
            literal = stays_literal(line, i, column);
            width = literal ? 1 : 3;
        }
        if (literal) {
            out += line[i];
        } else {
            append_escaped(out, static_cast<unsigned char>(line[i]));
        }
        column += width;
    }
}

// Gives the part `bytes` already in `encoding` (or raw, for GMIME_CONTENT_ENCODING_DEFAULT).
void set_content(GMimePart* part, const std::string& bytes, GMimeContentEncoding encoding) {
    gm::Ptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    gm::Ptr<GMimeDataWrapper> content(g_mime_data_wrapper_new_with_stream(stream.get(), encoding));
    g_mime_part_set_content(part, content.get());
}

bool needs_encoding(GMimePart* part) {
    if (auto view = gm::encoded_view(part)) {
        return !is_transport_safe(*view);
    }
    return !is_transport_safe(gm::content_of(part, gm::Content::Encoded));
}

// Visits the leaf parts that may be re-encoded: none inside a multipart/signed or
// /encrypted, whose bytes are someone's signature or ciphertext.
void for_each_own_part(GMimeObject* root, const std::function<void(GMimePart*)>& visit) {
    gm::walk(root, [&visit](GMimeObject* object, std::size_t) {
        if (gm::is_type(object, "multipart", "signed") ||
            gm::is_type(object, "multipart", "encrypted")) {
            return false;
        }
        if (GMIME_IS_PART(object)) {
            visit(GMIME_PART(object));
        }
        return true;
    });
}

// Re-encodes the part if its bytes could be altered in transit.
void make_transport_safe(GMimePart* part) {
    if (!needs_encoding(part)) {
        return;
    }
    std::string decoded = gm::content_of(part, gm::Content::Decoded);
    if (gm::is_type(GMIME_OBJECT(part), "text", "*")) {
        set_content(part, quoted_printable(decoded), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
        g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
    } else {
        // Raw content makes GMime encode it anew, even if it was base64 with overlong lines.
        set_content(part, decoded, GMIME_CONTENT_ENCODING_DEFAULT);
        g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
    }
}

bool is_token(std::string_view value) {
    if (value.empty() || value.size() > 64) {
        return false;
    }
    for (char c : value) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  std::string_view("-_.:+").find(c) != std::string_view::npos;
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string quoted_printable(std::string_view text) {
    std::string crlf = text::to_crlf(text);
    std::string out;
    out.reserve(crlf.size() + crlf.size() / 8);
    std::size_t start = 0;
    while (start <= crlf.size()) {
        std::size_t end = crlf.find("\r\n", start);
        if (end == std::string::npos) {
            encode_line(std::string_view(crlf).substr(start), out);
            break;
        }
        encode_line(std::string_view(crlf).substr(start, end - start), out);
        out += "\r\n";
        start = end + 2;
    }
    return out;
}

SignableEntity signable_entity_pieces(const Message& message) {
    const detail::MessageState& state = message.state();
    SignableEntity entity{gm::headers_of(state.body_entity()) + "\r\n", state.body()};

    // Most messages need nothing: then the bytes stay exactly as received, unparsed again.
    bool needed = false;
    for_each_own_part(state.body_entity(),
                      [&needed](GMimePart* part) { needed = needed || needs_encoding(part); });
    if (!needed) {
        return entity;
    }
    gm::Ptr<GMimeObject> tree = gm::parse_entity(entity.head + std::string(entity.body));
    for_each_own_part(tree.get(), [](GMimePart* part) { make_transport_safe(part); });
    return {text::to_crlf(gm::serialize(tree.get())), {}};
}

std::string signable_entity(const Message& message) {
    SignableEntity entity = signable_entity_pieces(message);
    entity.head.append(entity.body);
    return std::move(entity.head);
}

std::string text_entity(std::string_view text, std::string_view charset) {
    if (!is_token(charset)) {
        throw Error(ErrorKind::BadInput, "invalid charset name");
    }
    std::string body = text::to_crlf(text);
    bool safe = is_transport_safe(body);
    std::string entity = "Content-Type: text/plain; charset=\"" + std::string(charset) + "\"\r\n";
    entity += safe ? "Content-Transfer-Encoding: 7bit\r\n\r\n"
                   : "Content-Transfer-Encoding: quoted-printable\r\n\r\n";
    entity += safe ? body : quoted_printable(body);
    return entity;
}

}  // namespace sealpost::mime
