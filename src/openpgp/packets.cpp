#include "openpgp/packets.hpp"

#include <optional>

#include "openpgp/rnp.hpp"

namespace sealpost::openpgp {

namespace {

constexpr int tag_user_id = 13;
constexpr int tag_user_attribute = 17;

struct Header {
    int tag = 0;
    std::size_t header_bytes = 0;
    std::size_t body_bytes = 0;
};

std::size_t big_endian(std::string_view bytes, std::size_t at, std::size_t count) {
    std::size_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    }
    return value;
}

// RFC 4880 §4.2.1, old format: the tag in bits 5-2, the length type in bits 1-0.
std::optional<Header> old_format(std::string_view data, std::size_t at, unsigned char first) {
    static constexpr std::size_t length_bytes[] = {1, 2, 4, 0};
    Header h;
    h.tag = (first >> 2) & 0x0f;
    std::size_t n = length_bytes[first & 3];
    if (n == 0) {  // indeterminate: the rest of the data
        h.header_bytes = 1;
        h.body_bytes = data.size() - at - 1;
        return h;
    }
    if (at + 1 + n > data.size())
        return std::nullopt;
    h.header_bytes = 1 + n;
    h.body_bytes = big_endian(data, at + 1, n);
    return h;
}

// RFC 4880 §4.2.2, new format: one-, two- or five-octet lengths. Partial lengths only occur
// in data packets, never in keys: stop there.
std::optional<Header> new_format(std::string_view data, std::size_t at, unsigned char first) {
    Header h;
    h.tag = first & 0x3f;
    if (at + 2 > data.size())
        return std::nullopt;
    auto o1 = static_cast<unsigned char>(data[at + 1]);
    if (o1 < 192) {
        h.header_bytes = 2;
        h.body_bytes = o1;
    } else if (o1 < 224) {
        if (at + 3 > data.size())
            return std::nullopt;
        h.header_bytes = 3;
        h.body_bytes = ((o1 - 192u) << 8) + static_cast<unsigned char>(data[at + 2]) + 192u;
    } else if (o1 == 255) {
        if (at + 6 > data.size())
            return std::nullopt;
        h.header_bytes = 6;
        h.body_bytes = big_endian(data, at + 2, 4);
    } else {
        return std::nullopt;
    }
    return h;
}

}  // namespace

std::string dearmored(std::string_view data) {
    auto start = data.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos || data.substr(start, 10) != "-----BEGIN") {
        return std::string(data);
    }
    auto input = rnp::input_from(data);
    auto output = rnp::output_to_memory();
    if (rnp_dearmor(input.get(), output.get()) != RNP_SUCCESS) {
        return std::string(data);
    }
    return rnp::memory_contents(output.get());
}

void check_packet_sizes(std::string_view binary, const KeyLimits& limits) {
    std::size_t at = 0;
    while (at < binary.size()) {
        auto first = static_cast<unsigned char>(binary[at]);
        if ((first & 0x80) == 0)
            return;
        auto header =
            (first & 0x40) ? new_format(binary, at, first) : old_format(binary, at, first);
        // A header claiming more than the data holds is damage, not a size: librnp refuses it.
        if (!header || header->body_bytes > binary.size() - at - header->header_bytes) {
            return;
        }
        bool user_packet = header->tag == tag_user_id || header->tag == tag_user_attribute;
        if (user_packet && header->body_bytes > limits.max_user_id_bytes) {
            throw Error(ErrorKind::LimitExceeded,
                        std::string("refused: a ") +
                            (header->tag == tag_user_id ? "user ID" : "user attribute") + " of " +
                            std::to_string(header->body_bytes) + " bytes, more than the limit of " +
                            std::to_string(limits.max_user_id_bytes));
        }
        at += header->header_bytes + header->body_bytes;
    }
}

}  // namespace sealpost::openpgp
