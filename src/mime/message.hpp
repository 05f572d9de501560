// One Internet message (RFC 5322 + MIME) as Sealpost handles it: parsed within limits by
// GMime, with its top-level header fields editable and its body kept byte for byte as it
// arrived, so that what is signed stays signed. Line endings are CRLF inside; bare LFs in the
// input become CRLF when it is parsed.
// LIMITATION: that conversion also applies inside a part sent with
// Content-Transfer-Encoding: binary (RFC 3030 BINARYMIME), whose bare LFs are data, so such
// a part is altered; only a path that carries BINARYMIME can deliver one.
//
// A Message is used by one thread at a time; different messages may be used on different
// threads at once. The pipeline turns a message into new ones through build.hpp, never by
// editing its body.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::mime {

// Bounds on what parse() accepts; exceeding one throws Error(LimitExceeded) naming it. All
// are checked on the raw bytes before GMime sees them (prescan.hpp); depth, parts and header
// bytes again, exactly, on the tree GMime built.
struct Limits {
    std::size_t max_depth = 64;               // entities on the longest path, body = 1
    std::size_t max_parts = 1000;             // MIME entities in the whole message
    std::size_t max_header_bytes = 1u << 20;  // all header blocks together
    // Lines starting with "--" are compared by GMime against every enclosing boundary; this
    // bounds (their bytes + 32 per line) × (the nesting they could meet). At the default a
    // hostile message costs GMime about 150 ms; a real one stays far below it.
    std::uint64_t max_boundary_work = std::uint64_t{1} << 28;
};

enum class Newline { Crlf, Lf };

// A header field to set on a message.
struct Field {
    std::string_view name;
    std::string_view value;  // UTF-8, on one line
};

namespace detail {
struct MessageState;
}

class Message {
public:
    explicit Message(std::unique_ptr<detail::MessageState> state);
    Message(Message&&) noexcept;
    Message& operator=(Message&&) noexcept;
    ~Message();

    // Header fields of the top-level header block. Names are matched ignoring ASCII case and
    // white space before the colon; values come unfolded, RFC 2047 words decoded to UTF-8.
    std::optional<std::string> header(std::string_view name) const;
    std::vector<std::string> headers(std::string_view name) const;
    // Content-* fields describe the body and change only through build.hpp: these throw
    // Error(BadInput) for such a name. Values are UTF-8; non-ASCII is RFC 2047-encoded.
    void set_header(std::string_view name, std::string_view value);  // replaces every one
    void add_header(std::string_view name, std::string_view value);  // appends one
    std::size_t remove_header(std::string_view name);                // returns how many
    // Removes every non-Content-* field whose name starts with `prefix` (e.g. "X-Sealpost-").
    std::size_t remove_headers_with_prefix(std::string_view prefix);

    std::string subject() const;  // decoded, UTF-8; empty when there is none
    void set_subject(std::string_view utf8);

    // Addresses (addr-spec only, ASCII lower-cased), groups flattened, in header order.
    std::vector<std::string> from() const;
    std::vector<std::string> to() const;
    std::vector<std::string> cc() const;
    std::optional<std::string> message_id() const;  // without the angle brackets

    // The message as it should be sent on: the header block (with edits) and the body
    // exactly as parsed, in the line ending asked for.
    std::string serialize(Newline newline = Newline::Crlf) const;
    // serialize() (CRLF) for a message that is done with: one that keeps its own bytes
    // (parse_owned()) gives them up, its header block rewritten in place, instead of copying
    // its body. The message is empty afterwards.
    std::string release() &&;

    // For src/mime/ only: the GMime tree and bytes behind this message.
    detail::MessageState& state() { return *state_; }
    const detail::MessageState& state() const { return *state_; }

private:
    std::unique_ptr<detail::MessageState> state_;
};

// Parses one message. Throws Error(LimitExceeded) naming the limit it exceeds, and
// Error(BadInput) when the bytes do not start with a header block or a header block holds a
// NUL byte.
Message parse(std::string_view raw, const Limits& limits = {});

// As parse(), without copying `raw` when it is CRLF throughout already (as SMTP delivers it):
// the Message then refers into `raw`, which must outlive it. For a large message this saves
// its whole size in memory.
Message parse_in_place(std::string_view raw, const Limits& limits = {});

// As parse(), on bytes the Message then keeps: parsed where they lie when they are CRLF.
Message parse_owned(std::string bytes, const Limits& limits = {});

}  // namespace sealpost::mime
