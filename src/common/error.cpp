#include "common/error.hpp"

namespace sealpost {

const char* to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadInput:
            return "bad-input";
        case ErrorKind::NotFound:
            return "not-found";
        case ErrorKind::Unusable:
            return "unusable";
        case ErrorKind::WrongPassphrase:
            return "wrong-passphrase";
        case ErrorKind::IntegrityFailure:
            return "integrity-failure";
        case ErrorKind::LimitExceeded:
            return "limit-exceeded";
        case ErrorKind::Conflict:
            return "conflict";
        case ErrorKind::Temporary:
            return "temporary";
        case ErrorKind::Internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace sealpost
