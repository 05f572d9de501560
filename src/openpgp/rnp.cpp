#include "openpgp/rnp.hpp"

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
