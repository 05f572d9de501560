// base64 and xtext, as SMTP uses them (see codec.hpp).
#include "smtp/server/codec.hpp"

#include <array>
#include <cstdint>

namespace sealpost::smtp::server {

namespace {

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// The value of each base64 character; -1 for characters outside the alphabet.
constexpr std::array<int, 256> base64_values() {
    std::array<int, 256> values{};
    values.fill(-1);
    for (std::size_t i = 0; i < base64_alphabet.size(); ++i) {
        values[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<int>(i);
    }
    return values;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::string encode_base64(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::size_t left = bytes.size() - i;
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (left > 1) {
            group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        if (left > 2) {
            group |= static_cast<unsigned char>(bytes[i + 2]);
        }
        out += base64_alphabet[(group >> 18) & 63];
        out += base64_alphabet[(group >> 12) & 63];
        out += left > 1 ? base64_alphabet[(group >> 6) & 63] : '=';
        out += left > 2 ? base64_alphabet[group & 63] : '=';
    }
    return out;
}

std::optional<std::string> decode_base64(std::string_view text) {
    static constexpr std::array<int, 256> values = base64_values();
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
        ++padding;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t group = 0;
    std::size_t data_chars = text.size() - padding;
    for (std::size_t i = 0; i < data_chars; ++i) {
        int value = values[static_cast<unsigned char>(text[i])];
        if (value < 0) {
            return std::nullopt;
        }
        group = (group << 6) | static_cast<std::uint32_t>(value);
        if (i % 4 == 3) {
            out += static_cast<char>((group >> 16) & 0xff);
            out += static_cast<char>((group >> 8) & 0xff);
            out += static_cast<char>(group & 0xff);
            group = 0;
        }
    }
    // The last group of 2 or 3 characters carries 1 or 2 octets; its unused bits must be 0.
    std::size_t tail = data_chars % 4;
    if (tail == 1) {
        return std::nullopt;
    }
    if (tail == 2) {
        if ((group & 0xf) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((group >> 4) & 0xff);
    } else if (tail == 3) {
        if ((group & 0x3) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((group >> 10) & 0xff);
        out += static_cast<char>((group >> 2) & 0xff);
    }
    return out;
}

std::optional<std::string> decode_xtext(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+') {
            if (text.size() - i < 3) {
                return std::nullopt;
            }
            int high = hex_value(text[i + 1]);
            int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c < '!' || c > '~' || c == '=') {
            return std::nullopt;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace sealpost::smtp::server
