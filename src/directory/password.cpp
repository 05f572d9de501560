#include "directory/password.hpp"

#include <sodium.h>

#include "common/error.hpp"

namespace sealpost::directory {

namespace {

constexpr auto ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr auto mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;

void init_sodium() {
    if (sodium_init() < 0) {
        throw Error(ErrorKind::Internal, "libsodium failed to initialise");
    }
}

void check_password(const Secret& password) {
    if (password.empty()) {
        throw Error(ErrorKind::BadInput, "the password is empty");
    }
    if (password.reveal().size() > max_password_length) {
        throw Error(ErrorKind::BadInput,
                    "a password is at most " + std::to_string(max_password_length) + " bytes");
    }
}

}  // namespace

std::string hash_password(const Secret& password) {
    init_sodium();
    check_password(password);
    char out[crypto_pwhash_STRBYTES];
    const auto& text = password.reveal();
    if (crypto_pwhash_str(out, text.data(), text.size(), ops_limit, mem_limit) != 0) {
        throw Error(ErrorKind::Temporary, "not enough memory to hash the password");
    }
    return out;
}

bool password_matches(const std::string& hash, const Secret& password) {
    init_sodium();
    const auto& text = password.reveal();
    if (text.empty() || text.size() > max_password_length) {
        return false;
    }
    return crypto_pwhash_str_verify(hash.c_str(), text.data(), text.size()) == 0;
}

bool needs_rehash(const std::string& hash) {
    init_sodium();
    return crypto_pwhash_str_needs_rehash(hash.c_str(), ops_limit, mem_limit) != 0;
}

bool verify_against_nothing(const Secret& password) {
    // Hashed once per process, from a random password nobody knows.
    static const std::string decoy = hash_password(Secret::random());
    password_matches(decoy, password);
    return false;
}

}  // namespace sealpost::directory
