// parse(): the prescan, GMime, and the exact check of the limits on the tree GMime built.
#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "mime/gmime.hpp"
#include "mime/message.hpp"
#include "mime/prescan.hpp"
#include "mime/state.hpp"

namespace sealpost::mime {

namespace {

[[noreturn]] void exceeded(std::string_view limit, std::size_t value) {
    throw Error(ErrorKind::LimitExceeded,
                "message exceeds " + std::string(limit) + " (" + std::to_string(value) + ")");
}

std::size_t header_bytes(GMimeObject* object) {
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    std::size_t bytes = 0;
    int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        const char* raw = g_mime_header_get_raw_value(header);
        bytes += std::string_view(g_mime_header_get_name(header)).size() + 1;
        bytes += raw != nullptr ? std::string_view(raw).size() : 0;
    }
    return bytes;
}

// The prescan over-approximates; this counts exactly what GMime built.
void check_tree(GMimeMessage* message, const Limits& limits) {
    std::size_t parts = 0;
    std::size_t headers = header_bytes(GMIME_OBJECT(message));
    gm::walk(g_mime_message_get_mime_part(message), [&](GMimeObject* object, std::size_t depth) {
        if (depth > limits.max_depth) {
            exceeded("max_depth", depth);
        }
        if (++parts > limits.max_parts) {
            exceeded("max_parts", parts);
        }
        headers += header_bytes(object);
        if (GMIME_IS_MESSAGE_PART(object)) {
            GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
            headers += inner != nullptr ? header_bytes(GMIME_OBJECT(inner)) : 0;
        }
        if (headers > limits.max_header_bytes) {
            exceeded("max_header_bytes", headers);
        }
        return true;
    });
}

// GMime reads a final line without a line break as a header field (or folding) when it
// could be one, and as the body otherwise.
bool reads_as_field(std::string_view line) {
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
        return true;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        return false;
    }
    for (char c : line.substr(0, colon)) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 127) {
            return false;
        }
    }
    return true;
}

// GMime ends the top-level header block at an empty line, at a line that cannot be a header
// field, or at the end of the bytes; the body starts after the empty line, or at that line.
std::size_t body_offset(std::string_view bytes, std::size_t headers_end) {
    std::string_view rest = bytes.substr(std::min(headers_end, bytes.size()));
    if (rest.starts_with("\r\n")) {
        return headers_end + 2;
    }
    if (rest.find('\n') == std::string_view::npos && reads_as_field(rest)) {
        return bytes.size();
    }
    return std::min(headers_end, bytes.size());
}

Message checked(gm::Parsed parsed, const Limits& limits) {
    if (!parsed.message || g_mime_message_get_mime_part(parsed.message.get()) == nullptr) {
        throw Error(ErrorKind::BadInput, "not an Internet message: no header block");
    }
    check_tree(parsed.message.get(), limits);

    auto state = std::make_unique<detail::MessageState>();
    state->borrowed = std::move(parsed.borrowed);
    state->message = std::move(parsed.message);
    state->stream = std::move(parsed.stream);
    state->body_offset = body_offset(state->bytes(), parsed.headers_end);
    return Message(std::move(state));
}

}  // namespace

Message parse(std::string_view raw, const Limits& limits) {
    prescan(raw, limits);
    return checked(gm::parse_message(raw), limits);
}

Message parse_owned(std::string bytes, const Limits& limits) {
    // On the heap, so the bytes GMime reads stay where they are when the string is moved.
    auto owned = std::make_unique<std::string>(std::move(bytes));
    prescan(*owned, limits);
    gm::Parsed parsed = gm::parse_message_in_place(*owned);
    // Bytes that were not CRLF were parsed from a converted copy: keeping them as well would
    // only cost memory, and release() must not splice the copy's offsets into them.
    bool in_place = parsed.borrowed.get() != nullptr;
    Message message = checked(std::move(parsed), limits);
    if (in_place) {
        message.state().owned = std::move(owned);
    }
    return message;
}

Message parse_in_place(std::string_view raw, const Limits& limits) {
    prescan(raw, limits);
    return checked(gm::parse_message_in_place(raw), limits);
}

}  // namespace sealpost::mime
