// RAII and small helpers over GMime 3 for src/mime/ only. GMime is initialised once per
// process (ensure_initialized); after that each GMime object tree may be used by one thread
// at a time, and different trees by different threads at once.
#pragma once

#include <gmime/gmime.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mime/message.hpp"

namespace sealpost::mime::gm {

// Calls g_mime_init() the first time only; every entry point of the library calls this.
void ensure_initialized();

struct Unref {
    void operator()(gpointer object) const {
        if (object != nullptr) {
            g_object_unref(object);
        }
    }
};
template <typename T>
using Ptr = std::unique_ptr<T, Unref>;

// Takes a new reference (GMime getters return borrowed pointers).
template <typename T>
Ptr<T> retain(T* object) {
    if (object != nullptr) {
        g_object_ref(object);
    }
    return Ptr<T>(object);
}

// Takes ownership of a string GMime allocated with g_malloc.
std::string take(char* text);

// The top-level header block of `object` as GMime writes it, with CRLF line endings and
// without the empty line that ends it.
std::string headers_of(GMimeObject* object);

// One header field as GMime writes it (name, colon, raw value, folding kept), CRLF-ended.
std::string header_text(GMimeHeader* header);

// `fields` as Message::set_header() writes them into a message that has none of them yet
// (non-ASCII RFC 2047-encoded, long values folded), CRLF-ended. Checked as set_header()
// checks them: Error(BadInput).
std::string formatted_fields(std::span<const Field> fields);

// The whole of `object` (headers and body) as GMime writes it, with CRLF line endings.
std::string serialize(GMimeObject* object);

// The body of a leaf part: `Decoded` undoes the Content-Transfer-Encoding (base64, QP);
// `Encoded` gives the bytes as they stand in the message.
enum class Content { Decoded, Encoded };
std::string content_of(GMimePart* part, Content form);

// The encoded body of a parsed leaf part as a view into the memory stream it was parsed
// from, without copying; nullopt when its content lives elsewhere (a part built in memory).
std::optional<std::string_view> encoded_view(GMimePart* part);

// The decoded body of a leaf part without a copy when its transfer encoding is an identity
// (7bit, 8bit, binary, none) and it lies in the parsed bytes; otherwise decoded into
// `storage`. The view lives as long as the message (or `storage`).
std::string_view content_view(GMimePart* part, std::string& storage);

// An array lending someone else's bytes to a memory stream (which must not own it): on
// destruction the bytes are taken back out, not freed, and the array itself is freed.
class BorrowedArray {
public:
    BorrowedArray() = default;
    explicit BorrowedArray(std::string_view bytes);
    ~BorrowedArray();
    BorrowedArray(BorrowedArray&& other) noexcept;
    BorrowedArray& operator=(BorrowedArray&& other) noexcept;
    BorrowedArray(const BorrowedArray&) = delete;
    BorrowedArray& operator=(const BorrowedArray&) = delete;

    GByteArray* get() const { return array_; }

private:
    void give_back();
    GByteArray* array_ = nullptr;
};

// A parsed message and the memory stream holding its bytes, which its parts refer into.
// Declared first, `borrowed` goes last: after everything that could still read its bytes.
struct Parsed {
    BorrowedArray borrowed;  // set when the stream reads bytes the caller keeps
    Ptr<GMimeMessage> message;
    Ptr<GMimeStream> stream;
    std::size_t headers_end = 0;  // where the top-level header block ends
};

// Copies `raw` into a memory stream with every bare LF turned into CRLF and parses it.
// `message` is null when GMime finds no header block.
Parsed parse_message(std::string_view raw);

// As parse_message(), but when `raw` is CRLF throughout already it is parsed where it lies,
// without a copy: the result then refers into `raw`, which must outlive it.
Parsed parse_message_in_place(std::string_view raw);

// The bytes of a memory stream that parse_message created.
std::string_view stream_bytes(GMimeStream* stream);

// Parses `bytes` as one MIME entity (Content-* headers, empty line, body); never null.
Ptr<GMimeObject> parse_entity(std::string_view bytes);

// Type tests on the object's Content-Type, ASCII case-insensitive; "*" matches any subtype.
bool is_type(GMimeObject* object, const char* type, const char* subtype);
std::optional<std::string> content_type_parameter(GMimeObject* object, const char* name);

// True for multipart/`subtype` whose protocol parameter is `protocol` (RFC 1847 §2).
bool has_protocol(GMimeObject* object, const char* subtype, std::string_view protocol);

// Children in order: a multipart's parts, or the body of a message/rfc822 part.
std::size_t child_count(GMimeObject* object);
GMimeObject* child(GMimeObject* object, std::size_t index);

// Visits `root` and its descendants depth-first in document order without recursion.
// `visit(object, depth)` returns false to skip the object's children. Depth of root is 1.
void walk(GMimeObject* root, const std::function<bool(GMimeObject*, std::size_t)>& visit);

// True when the part is an attachment (disposition or a file name).
bool is_attachment(GMimeObject* object);

}  // namespace sealpost::mime::gm
