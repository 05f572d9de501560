// What a Message holds, for the files of src/mime/ only.
#pragma once

#include <cstddef>
#include <string_view>

#include "mime/gmime.hpp"
#include "mime/message.hpp"

namespace sealpost::mime::detail {

struct MessageState {
    gm::BorrowedArray borrowed;  // the caller's bytes when parsed in place; released last
    gm::Ptr<GMimeMessage> message;
    gm::Ptr<GMimeStream> stream;  // the bytes, CRLF; the parts of `message` refer into it
    std::size_t body_offset = 0;  // where the top-level body starts in those bytes

    std::string_view bytes() const { return gm::stream_bytes(stream.get()); }
    std::string_view body() const { return bytes().substr(body_offset); }
    // The top-level body entity; GMime gives every parsed message one.
    GMimeObject* body_entity() const { return g_mime_message_get_mime_part(message.get()); }
};

inline GMimeMessage* gmime(const Message& message) {
    return message.state().message.get();
}

// parse() on bytes built in a CrlfBuffer (emptied): the same checks, one copy fewer.
Message parse_built(gm::CrlfBuffer& bytes, const Limits& limits);

}  // namespace sealpost::mime::detail
