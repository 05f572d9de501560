// The DATA phase of one transaction (RFC 5321 §4.1.1.4, §4.5.2) as a state machine fed with
// raw bytes as they arrive: it finds the end of data, undoes dot-stuffing, and enforces the
// line and size limits and the protection against SMTP smuggling.
//
// The end of data is only CRLF "." CRLF (or "." CRLF as the first line). A bare LF or bare
// CR anywhere is never a line ending: it cannot end the data, and it condemns the message,
// because a next hop that reads it as one would see a second message smuggled inside this
// one. Whatever the problem, reading goes on to the real end of data so that the session
// stays in step with the client.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealpost::smtp::server {

class DataReader {
public:
    enum class Problem {
        None,
        BareLineEnding,  // a CR not followed by LF, or an LF not preceded by CR
        LineTooLong,     // a line longer than the limit, CRLF included
        MessageTooBig,   // more data than the limit
    };

    struct Limits {
        std::size_t max_line_length = 1000;  // RFC 5321 §4.5.3.1.6, CRLF included
        std::size_t max_message_size = 25 * 1024 * 1024;
    };

    explicit DataReader(Limits limits) : limits_(limits) {}

    // Takes bytes up to and including the end of data and returns how many it took; bytes
    // after the end of data belong to the next command and are left to the caller.
    std::size_t feed(std::string_view bytes);

    bool finished() const { return state_ == State::Finished; }

    // The first problem found, except that a bare line ending outranks the others: it is the
    // one that matters for security, and the one worth logging.
    Problem problem() const { return problem_; }

    // Octets of message data after dot-unstuffing, counted even past a problem.
    std::size_t message_size() const { return size_; }

    // The message with CRLF line endings and without the final ".": complete only when
    // finished() and problem() is None (otherwise empty or partial, and not to be used).
    std::string take_message() { return std::move(message_); }

private:
    enum class State { LineStart, InLine, AfterCr, AfterDot, AfterDotCr, Finished };

    std::size_t take_line_text(std::string_view bytes);
    void take_octet(char octet);
    void take_in_line(char octet);
    void take_after_cr(char octet);
    void emit(std::string_view octets);
    void count_wire_octets(std::size_t count);
    void flag(Problem problem);

    Limits limits_;
    State state_ = State::LineStart;
    Problem problem_ = Problem::None;
    std::size_t line_length_ = 0;  // octets of the current line on the wire, CRLF included
    std::size_t size_ = 0;
    std::string message_;
};

}  // namespace sealpost::smtp::server
