// The error type every layer of Sealpost throws for an expected failure: it names what failed
// and why, and carries a kind that the boundaries (CLI exit code, SMTP reply) map from.
#pragma once

#include <stdexcept>
#include <string>

namespace sealpost {

enum class ErrorKind {
    BadInput,          // the caller's input is malformed or unacceptable (permanent)
    NotFound,          // a key, user or file that was named does not exist
    Unusable,          // the key exists but cannot do this: expired, revoked, disabled, no secret
    WrongPassphrase,   // a passphrase did not unlock a secret key
    IntegrityFailure,  // ciphertext without integrity protection, bad MDC, tampered data
    LimitExceeded,     // a size, count, depth or time bound was hit
    Conflict,          // the operation would clobber something that exists
    Temporary,         // the store is busy, a resource is missing for now: retry later
    Internal,          // a library failed in a way we did not expect
};

const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

}  // namespace sealpost
