// Trouble with the next hop itself rather than a reply about a recipient: it could not be
// reached, broke off, timed out, spoke no SMTP, or refused TLS that we require. Every
// recipient it had not given a final answer for gets 451 with `enhanced` and this reason.
#pragma once

#include <string>

#include "common/error.hpp"

namespace sealpost::smtp {

class HopFailure : public Error {
public:
    enum class Cause {
        Unreachable,   // 4.4.1: connecting, the greeting, EHLO
        Connection,    // 4.4.2: the session broke off or timed out later
        Protocol,      // 4.4.2: the server's replies made no sense
        TlsRequired,   // 4.7.4: STARTTLS was required but not offered or refused
        TlsHandshake,  // 4.7.5: the TLS handshake failed
    };

    HopFailure(Cause cause, const std::string& reason)
        : Error(ErrorKind::Temporary, reason), cause_(cause) {}

    Cause cause() const { return cause_; }

    const char* enhanced() const {
        switch (cause_) {
            case Cause::Unreachable:
                return "4.4.1";
            case Cause::TlsRequired:
                return "4.7.4";
            case Cause::TlsHandshake:
                return "4.7.5";
            case Cause::Connection:
            case Cause::Protocol:
                break;
        }
        return "4.4.2";
    }

private:
    Cause cause_;
};

}  // namespace sealpost::smtp
