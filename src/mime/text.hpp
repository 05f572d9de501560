// Byte-level text helpers for src/mime/: line endings, ASCII case, line iteration. Internal to
// the mime library; every function works on raw bytes and never converts charsets.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sealpost::mime::text {

// Every bare LF becomes CRLF; existing CRLF pairs and lone CRs are left as they are.
std::string to_crlf(std::string_view bytes);
// The same, appended to `out`.
void append_crlf(std::string& out, std::string_view bytes);
// `bytes` itself when already CRLF, else to_crlf(bytes) kept in `storage`.
std::string_view crlf_view(std::string_view bytes, std::string& storage);

// Every CRLF becomes LF.
std::string to_lf(std::string_view bytes);

// True when every LF in `bytes` is preceded by a CR (RFC 3156 §5 canonical form).
bool is_crlf(std::string_view bytes);

std::string lower(std::string_view text);
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);
bool icontains(std::string_view text, std::string_view needle);

inline bool is_lwsp(char c) {
    return c == ' ' || c == '\t';
}
std::string_view trim_lwsp(std::string_view text);
std::string_view rtrim_lwsp(std::string_view text);

// Walks `text` line by line the way GMime's parser does: a line ends at LF, and the line
// handed out excludes the LF and one CR before it. The last line may lack an LF.
class Lines {
public:
    explicit Lines(std::string_view text) : text_(text) {}

    // Sets `line` and `start` (its offset in the text) and returns true, or returns false at
    // the end of the text.
    bool next(std::string_view& line, std::size_t& start);

    // Offset just past the line returned last, LF included.
    std::size_t position() const { return pos_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace sealpost::mime::text
