// GMime initialisation, RAII and the few GMime calls the rest of src/mime/ shares.
#include "mime/gmime.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime::gm {

namespace {

GMimeFormatOptions* crlf_options = nullptr;

// Format options are only read after this, so one shared instance serves every thread.
void initialize() {
    g_mime_init();
    crlf_options = g_mime_format_options_new();
    g_mime_format_options_set_newline_format(crlf_options, GMIME_NEWLINE_FORMAT_DOS);
}

std::string bytes_of(GMimeStream* memory_stream) {
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(memory_stream));
    return std::string(reinterpret_cast<const char*>(array->data), array->len);
}

bool is_bare_lf(std::string_view raw, std::size_t lf) {
    return lf == 0 || raw[lf - 1] != '\r';
}

// Appends `raw` to `array`, turning each bare LF into CRLF: the bare LFs are counted first,
// the array sized once, and the runs between them copied whole.
void append_crlf(GByteArray* array, std::string_view raw) {
    if (raw.empty()) {
        return;  // nothing to copy, and memcpy must not see a null pointer
    }
    std::size_t bare = 0;
    for (std::size_t lf = raw.find('\n'); lf != std::string_view::npos;
         lf = raw.find('\n', lf + 1)) {
        bare += is_bare_lf(raw, lf) ? 1 : 0;
    }
    guint at = array->len;
    g_byte_array_set_size(array, static_cast<guint>(at + raw.size() + bare));
    char* out = reinterpret_cast<char*>(array->data) + at;
    std::size_t done = 0;
    for (std::size_t lf = raw.find('\n'); bare > 0 && lf != std::string_view::npos;
         lf = raw.find('\n', lf + 1)) {
        if (!is_bare_lf(raw, lf)) {
            continue;
        }
        std::memcpy(out, raw.data() + done, lf - done);
        out += lf - done;
        *out++ = '\r';
        *out++ = '\n';
        done = lf + 1;
    }
    std::memcpy(out, raw.data() + done, raw.size() - done);
}

// A field that was the last line of the input keeps its raw value without a line break.
std::string ended(std::string fields) {
    if (!fields.empty() && !fields.ends_with("\r\n")) {
        fields += "\r\n";
    }
    return fields;
}

}  // namespace

void ensure_initialized() {
    static std::once_flag once;
    std::call_once(once, initialize);
}

std::string take(char* text) {
    if (text == nullptr) {
        return {};
    }
    std::string copy(text);
    g_free(text);
    return copy;
}

std::string headers_of(GMimeObject* object) {
    return ended(text::to_crlf(take(g_mime_object_get_headers(object, crlf_options))));
}

std::string header_text(GMimeHeader* header) {
    Ptr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_header_write_to_stream(header, crlf_options, out.get());
    return ended(text::to_crlf(bytes_of(out.get())));
}

std::string formatted_fields(std::span<const Field> fields) {
    if (fields.empty()) {
        return {};
    }
    ensure_initialized();
    Ptr<GMimeHeaderList> list(g_mime_header_list_new(g_mime_parser_options_get_default()));
    for (const Field& field : fields) {
        detail::check_field(field.name, field.value);
        std::string name(field.name);
        std::string value(field.value);
        g_mime_header_list_set(list.get(), name.c_str(), value.c_str(), "utf-8");
    }
    return ended(text::to_crlf(take(g_mime_header_list_to_string(list.get(), crlf_options))));
}

std::string serialize(GMimeObject* object) {
    Ptr<GMimeStream> out(g_mime_stream_mem_new());
    g_mime_object_write_to_stream(object, crlf_options, out.get());
    return bytes_of(out.get());
}

std::string content_of(GMimePart* part, Content form) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (wrapper == nullptr) {
        return {};
    }
    // Room for the bytes as they are stored, so a large part is not copied over and over as
    // the array grows (decoding base64 or QP only shrinks them).
    GMimeStream* stored = g_mime_data_wrapper_get_stream(wrapper);
    gint64 length = stored != nullptr ? g_mime_stream_length(stored) : -1;
    auto room = static_cast<guint>(std::clamp<gint64>(length, 0, gint64{1} << 30));
    Ptr<GMimeStream> out(g_mime_stream_mem_new_with_byte_array(g_byte_array_sized_new(room)));
    if (form == Content::Decoded) {
        g_mime_data_wrapper_write_to_stream(wrapper, out.get());
    } else {
        GMimeStream* source = g_mime_data_wrapper_get_stream(wrapper);
        g_mime_stream_reset(source);
        g_mime_stream_write_to_stream(source, out.get());
    }
    return bytes_of(out.get());
}

std::string_view content_view(GMimePart* part, std::string& storage) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (wrapper == nullptr) {
        return {};
    }
    switch (g_mime_data_wrapper_get_encoding(wrapper)) {
        case GMIME_CONTENT_ENCODING_DEFAULT:
        case GMIME_CONTENT_ENCODING_7BIT:
        case GMIME_CONTENT_ENCODING_8BIT:
        case GMIME_CONTENT_ENCODING_BINARY:
            if (auto view = encoded_view(part)) {
                return *view;
            }
            break;
        default:
            break;
    }
    storage = content_of(part, Content::Decoded);
    return storage;
}

std::optional<std::string_view> encoded_view(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    GMimeStream* stream = wrapper != nullptr ? g_mime_data_wrapper_get_stream(wrapper) : nullptr;
    // A substream of a memory stream is a memory stream sharing the array, bounded.
    if (stream == nullptr || !GMIME_IS_STREAM_MEM(stream)) {
        return std::nullopt;
    }
    std::string_view bytes = stream_bytes(stream);
    auto start = static_cast<std::size_t>(std::max<gint64>(stream->bound_start, 0));
    std::size_t end =
        stream->bound_end < 0 ? bytes.size() : static_cast<std::size_t>(stream->bound_end);
    if (start > end || end > bytes.size()) {
        return std::nullopt;
    }
    return bytes.substr(start, end - start);
}

BorrowedArray::BorrowedArray(std::string_view bytes)
    // GLib only frees what it takes when the array is freed with its data; give_back() takes
    // the data out first. GMime only reads the bytes of a stream it parses.
    : array_(g_byte_array_new_take(reinterpret_cast<guint8*>(const_cast<char*>(bytes.data())),
                                   bytes.size())) {}

BorrowedArray::~BorrowedArray() {
    give_back();
}

BorrowedArray::BorrowedArray(BorrowedArray&& other) noexcept
    : array_(std::exchange(other.array_, nullptr)) {}

BorrowedArray& BorrowedArray::operator=(BorrowedArray&& other) noexcept {
    if (this != &other) {
        give_back();
        array_ = std::exchange(other.array_, nullptr);
    }
    return *this;
}

void BorrowedArray::give_back() {
    if (array_ != nullptr) {
        gsize length = 0;
        static_cast<void>(g_byte_array_steal(array_, &length));  // the bytes are not ours
        g_byte_array_unref(array_);
        array_ = nullptr;
    }
}

namespace {

Parsed parse_stream(Parsed parsed) {
    Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(parsed.stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    parsed.message.reset(g_mime_parser_construct_message(parser.get(), nullptr));
    gint64 end = g_mime_parser_get_headers_end(parser.get());
    parsed.headers_end = end < 0 ? 0 : static_cast<std::size_t>(end);
    return parsed;
}

}  // namespace

Parsed parse_message(std::string_view raw) {
    ensure_initialized();
    GByteArray* bytes = g_byte_array_sized_new(static_cast<guint>(raw.size() + raw.size() / 32));
    append_crlf(bytes, raw);
    Parsed parsed;
    parsed.stream.reset(g_mime_stream_mem_new_with_byte_array(bytes));  // owns the array
    return parse_stream(std::move(parsed));
}

Parsed parse_message_in_place(std::string_view raw) {
    if (raw.empty() || !text::is_crlf(raw)) {
        return parse_message(raw);
    }
    ensure_initialized();
    Parsed parsed;
    parsed.borrowed = BorrowedArray(raw);
    parsed.stream.reset(g_mime_stream_mem_new_with_byte_array(parsed.borrowed.get()));
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(parsed.stream.get()), FALSE);
    return parse_stream(std::move(parsed));
}

std::string_view stream_bytes(GMimeStream* stream) {
    GByteArray* array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    return std::string_view(reinterpret_cast<const char*>(array->data), array->len);
}

Ptr<GMimeObject> parse_entity(std::string_view bytes) {
    ensure_initialized();
    Ptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(bytes.data(), bytes.size()));
    Ptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    Ptr<GMimeObject> entity(g_mime_parser_construct_part(parser.get(), nullptr));
    if (!entity) {
        entity.reset(GMIME_OBJECT(g_mime_text_part_new()));
    }
    return entity;
}

bool is_type(GMimeObject* object, const char* type, const char* subtype) {
    GMimeContentType* content_type = g_mime_object_get_content_type(object);
    return content_type != nullptr && g_mime_content_type_is_type(content_type, type, subtype);
}

std::optional<std::string> content_type_parameter(GMimeObject* object, const char* name) {
    const char* value = g_mime_object_get_content_type_parameter(object, name);
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

bool has_protocol(GMimeObject* object, const char* subtype, std::string_view protocol) {
    auto value = content_type_parameter(object, "protocol");
    return is_type(object, "multipart", subtype) && value &&
           text::iequals(text::trim_lwsp(*value), protocol);
}

std::size_t child_count(GMimeObject* object) {
    if (GMIME_IS_MULTIPART(object)) {
        int count = g_mime_multipart_get_count(GMIME_MULTIPART(object));
        return count < 0 ? 0 : static_cast<std::size_t>(count);
    }
    if (GMIME_IS_MESSAGE_PART(object)) {
        GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
        return inner != nullptr && g_mime_message_get_mime_part(inner) != nullptr ? 1 : 0;
    }
    return 0;
}

GMimeObject* child(GMimeObject* object, std::size_t index) {
    if (GMIME_IS_MULTIPART(object)) {
        return g_mime_multipart_get_part(GMIME_MULTIPART(object), static_cast<int>(index));
    }
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(object));
    return g_mime_message_get_mime_part(inner);
}

void walk(GMimeObject* root, const std::function<bool(GMimeObject*, std::size_t)>& visit) {
    struct Pending {
        GMimeObject* object;
        std::size_t depth;
    };
    std::vector<Pending> stack{{root, 1}};
    while (!stack.empty()) {
        Pending next = stack.back();
        stack.pop_back();
        if (next.object == nullptr || !visit(next.object, next.depth)) {
            continue;
        }
        for (std::size_t i = child_count(next.object); i > 0; --i) {
            stack.push_back({child(next.object, i - 1), next.depth + 1});
        }
    }
}

bool is_attachment(GMimeObject* object) {
    if (GMIME_IS_PART(object) && g_mime_part_get_filename(GMIME_PART(object)) != nullptr) {
        return true;
    }
    const char* disposition = g_mime_object_get_disposition(object);
    return disposition != nullptr && text::iequals(disposition, "attachment");
}

}  // namespace sealpost::mime::gm
