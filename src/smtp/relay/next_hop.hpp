// Where processed mail goes on (DESIGN.md §1, content filter mode): a next hop takes one
// message for its recipients and says, per recipient, whether it took responsibility for it.
// Sealpost answers 250 to its own client only when every recipient was accepted.
//
//   smtp://host:port[?tls=none|opportunistic|required]  SMTP (PIPELINING, STARTTLS), pooled
//   lmtp://host:port | lmtp:unix:/path                    LMTP (per-recipient replies)
//   maildir:/path                                         Maildir per recipient, on this machine
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::smtp {

// One message to hand on. `data` has CRLF line endings and no dot-stuffing.
struct OutgoingMessage {
    std::string queue_id;  // for log lines
    std::string sender;    // empty for the null reverse-path
    std::vector<std::string> recipients;
    std::string data;
    // The original client, passed on with XFORWARD where the next hop offers it.
    std::string client_address;
    std::string client_name;
    std::string client_helo;
};

// What the next hop said about one recipient. A hop that could not be reached, or broke off,
// reports 4xx for every recipient it had not accepted, with the reason in `text`.
struct RecipientOutcome {
    std::string recipient;
    int code = 0;
    std::string enhanced;  // "2.0.0"; empty if the hop gave none
    std::string text;

    bool accepted() const { return code >= 200 && code < 300; }
    bool temporary() const { return code >= 400 && code < 500; }
    bool permanent() const { return code >= 500; }
};

struct NextHopOptions {
    std::string helo_name = "localhost";  // our name in EHLO/LHLO
    std::chrono::seconds connect_timeout{30};
    std::chrono::seconds command_timeout{300};  // RFC 5321 §4.5.3.2 allows up to 5 minutes
    std::size_t max_idle_connections = 8;       // SMTP pool size per next hop
    std::chrono::seconds idle_timeout{30};      // pooled connections older than this are closed
};

class NextHop {
public:
    virtual ~NextHop() = default;

    // Hands the message on; one outcome per recipient, in the order given. Never throws for
    // network or protocol trouble (that is a 4xx outcome); throws only on programming errors.
    virtual boost::asio::awaitable<std::vector<RecipientOutcome>> deliver(
        const OutgoingMessage& message) = 0;

    // For log lines: "smtp://127.0.0.1:10027".
    virtual std::string describe() const = 0;

    // Whether this hop is the final delivery on this machine, which knows no users of its
    // own: then Sealpost's directory says which local addresses exist.
    virtual bool delivers_locally() const { return false; }
};

// Parses the URI and makes the next hop. Network I/O runs on `io`; blocking file work
// (Maildir) on `blocking`. A malformed URI throws sealpost::Error(BadInput) naming the
// problem.
std::unique_ptr<NextHop> make_next_hop(std::string_view uri, boost::asio::any_io_executor io,
                                       boost::asio::any_io_executor blocking,
                                       NextHopOptions options = {});

}  // namespace sealpost::smtp
