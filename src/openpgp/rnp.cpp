#include "openpgp/rnp.hpp"

#include <algorithm>
#include <cstring>

namespace sealpost::openpgp::rnp {

void check(rnp_result_t result, std::string_view operation, ErrorKind kind) {
    if (result == RNP_SUCCESS) {
        return;
    }
    throw Error(kind, std::string(operation) + ": " + rnp_result_to_string(result));
}

std::string take_string(char* buffer) {
    if (buffer == nullptr) {
        return {};
    }
    std::string text(buffer);
    rnp_buffer_destroy(buffer);
    return text;
}

Input input_from(std::string_view data) {
    rnp_input_t raw = nullptr;
    check(rnp_input_from_memory(&raw, reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                                false),
          "open input");
    return Input(raw);
}

bool PiecesReader::read(void* context, void* buffer, std::size_t length, std::size_t* done) {
    auto* self = static_cast<PiecesReader*>(context);
    auto* out = static_cast<char*>(buffer);
    std::size_t copied = 0;
    while (copied < length && self->index < self->pieces.size()) {
        std::string_view piece = self->pieces[self->index];
        std::size_t n = std::min(length - copied, piece.size() - self->offset);
        if (n > 0) {
            std::memcpy(out + copied, piece.data() + self->offset, n);
        }
        copied += n;
        self->offset += n;
        if (self->offset == piece.size()) {
            ++self->index;
            self->offset = 0;
        }
    }
    *done = copied;
    return true;
}

Input input_from(PiecesReader& reader) {
    rnp_input_t raw = nullptr;
    check(rnp_input_from_callback(&raw, &PiecesReader::read, nullptr, &reader), "open input");
    return Input(raw);
}

bool CallbackWriter::deliver(void* context, const void* buffer, std::size_t length) {
    auto* self = static_cast<CallbackWriter*>(context);
    if (self->failure) {
        return false;
    }
    try {
        self->write(std::string_view(static_cast<const char*>(buffer), length));
        return true;
    } catch (...) {
        self->failure = std::current_exception();
        return false;
    }
}

Output output_to(CallbackWriter& writer) {
    rnp_output_t raw = nullptr;
    check(rnp_output_to_callback(&raw, &CallbackWriter::deliver, nullptr, &writer), "open output");
    return Output(raw);
}

Output output_to_memory(std::size_t max_bytes) {
    rnp_output_t raw = nullptr;
    check(rnp_output_to_memory(&raw, max_bytes), "open output");
    return Output(raw);
}

std::string memory_contents(rnp_output_t output) {
    uint8_t* buf = nullptr;
    size_t len = 0;
    // Flushes what an armor or other layered writer still holds.
    rnp_output_finish(output);
    check(rnp_output_memory_get_buf(output, &buf, &len, false), "read output");
    return std::string(reinterpret_cast<const char*>(buf), len);
}

}  // namespace sealpost::openpgp::rnp
