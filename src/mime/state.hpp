// What a Message holds, for the files of src/mime/ only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "mime/gmime.hpp"
#include "mime/message.hpp"

namespace sealpost::mime::detail {

struct MessageState {
    std::unique_ptr<std::string> owned;  // the bytes, when the message keeps them itself
    gm::BorrowedArray borrowed;          // lends bytes parsed in place; released before them
    gm::Ptr<GMimeMessage> message;
    gm::Ptr<GMimeStream> stream;  // the bytes, CRLF; the parts of `message` refer into it
    std::size_t body_offset = 0;  // where the top-level body starts in those bytes

    std::string_view bytes() const { return gm::stream_bytes(stream.get()); }
    std::string_view body() const { return bytes().substr(body_offset); }
    // The top-level body entity; GMime gives every parsed message one.
    GMimeObject* body_entity() const { return g_mime_message_get_mime_part(message.get()); }
};

// RFC 5322 §2.2: a field name is printable US-ASCII except the colon, not Content-* (those
// describe the body); the value stays on one line. Error(BadInput) otherwise.
void check_field(std::string_view name, std::string_view value);

inline GMimeMessage* gmime(const Message& message) {
    return message.state().message.get();
}

}  // namespace sealpost::mime::detail
