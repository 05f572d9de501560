#include "common/secret.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace sealpost {

Secret::~Secret() {
    if (!value_.empty()) {
        sodium_memzero(value_.data(), value_.size());
    }
}

Secret Secret::random(std::size_t bytes) {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    std::string text(sodium_base64_encoded_len(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                     '\0');
    sodium_bin2base64(text.data(), text.size(), raw.data(), raw.size(),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw.data(), raw.size());
    text.resize(text.find('\0'));
    return Secret(std::move(text));
}

}  // namespace sealpost
