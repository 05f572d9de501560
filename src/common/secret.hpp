// A string for passphrases: wiped from memory when destroyed, never printable by accident.
#pragma once

#include <string>
#include <string_view>

namespace sealpost {

class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}
    Secret(const Secret&) = default;
    Secret& operator=(const Secret&) = default;
    Secret(Secret&&) = default;
    Secret& operator=(Secret&&) = default;
    ~Secret();

    // The only way to the bytes; named so every use is easy to find in review.
    const std::string& reveal() const { return value_; }
    bool empty() const { return value_.empty(); }

    // Random printable passphrase of `bytes` bytes of entropy, from libsodium.
    static Secret random(std::size_t bytes = 32);

private:
    std::string value_;
};

}  // namespace sealpost
