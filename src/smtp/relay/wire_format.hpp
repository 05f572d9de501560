// What goes over the wire between Sealpost and an SMTP or LMTP server, as pure functions:
// replies (RFC 5321 §4.2, enhanced codes of RFC 2034/3463), EHLO keywords, xtext
// (RFC 3461 §4) and the DATA encoding (RFC 5321 §4.5.2). Nothing here does I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::smtp {

// One reply from the server, all its lines gathered.
struct ServerReply {
    int code = 0;
    std::string enhanced;            // "2.1.5" when the server gave one, else empty
    std::vector<std::string> lines;  // text after the code (and enhanced code), one per line

    std::string text() const;     // the lines joined by '\n'
    std::string summary() const;  // "550 5.1.1 no such user" on one line, for outcome texts
};

// One line of a reply: "250-PIPELINING" or "250 2.0.0 Ok".
struct ReplyLine {
    int code = 0;
    bool last = false;
    std::string_view text;
};

// Parses a reply line without its CRLF; nullopt if it is not "DDD", "DDD text" or "DDD-text"
// with a code from 200 to 599 (RFC 5321 §4.2: 2yz to 5yz are the only replies a client
// acts on).
std::optional<ReplyLine> parse_reply_line(std::string_view line);

// Takes a leading enhanced status code "c.sss.ddd " whose class matches the reply code's
// first digit off `text`, and returns it; empty (text untouched) if there is none.
std::string take_enhanced_code(int code, std::string& text);

// What the server offered in its EHLO/LHLO reply.
struct Extensions {
    bool pipelining = false;
    bool starttls = false;
    bool size = false;
    bool eight_bit_mime = false;
    bool smtputf8 = false;
    std::vector<std::string> xforward;  // the attributes offered: "ADDR", "NAME", "HELO", ...

    bool offers_xforward(std::string_view attribute) const;
};

// Reads the keywords from the lines of a 250 EHLO reply (the first line is the greeting).
Extensions parse_extensions(const std::vector<std::string>& lines);

// RFC 3461 §4: printable ASCII other than '+' and '=' as it is, everything else as "+HH".
std::string xtext(std::string_view value);

// The message as it goes after DATA's 354, made piece by piece so a large message is not
// copied whole: every line break made CRLF (a lone CR or LF is never sent, so no server can
// see an end of data other than ours), a '.' doubled at the start of each line, a final CRLF
// if missing, then ".\r\n".
class DataEncoder {
public:
    explicit DataEncoder(std::string_view data) : data_(data) {}

    // The next piece, of about `limit` bytes; the last one ends with ".\r\n".
    std::string next(std::size_t limit);
    bool finished() const { return finished_; }

private:
    std::string_view data_;
    std::size_t at_ = 0;
    bool line_start_ = true;
    bool finished_ = false;
};

// All pieces of DataEncoder at once.
std::string encode_data(std::string_view data);

// An address we can put between < > in MAIL/RCPT or in a header field: no control characters
// (CR/LF would let it inject commands or header fields), no < or >.
bool is_clean_address(std::string_view address);

// Whether any byte is outside ASCII (then SMTPUTF8 applies, RFC 6531).
bool has_non_ascii(std::string_view text);

}  // namespace sealpost::smtp
