// Byte-level text helpers: line endings, ASCII case, GMime-style line iteration.
#include "mime/text.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace sealpost::mime::text {

// Both conversions copy the runs between line breaks whole: messages can be megabytes.
void append_crlf(std::string& out, std::string_view bytes) {
    out.reserve(out.size() + bytes.size() + bytes.size() / 32);
    std::size_t start = 0;
    for (std::size_t lf = bytes.find('\n'); lf != std::string_view::npos;
         lf = bytes.find('\n', lf + 1)) {
        if (lf == 0 || bytes[lf - 1] != '\r') {
            out.append(bytes.substr(start, lf - start));
            out += "\r\n";
            start = lf + 1;
        }
    }
    out.append(bytes.substr(start));
}

std::string to_crlf(std::string_view bytes) {
    std::string out;
    append_crlf(out, bytes);
    return out;
}

std::string_view crlf_view(std::string_view bytes, std::string& storage) {
    if (is_crlf(bytes)) {
        return bytes;
    }
    storage = to_crlf(bytes);
    return storage;
}

std::string to_lf(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t start = 0;
    for (std::size_t cr = bytes.find("\r\n"); cr != std::string_view::npos;
         cr = bytes.find("\r\n", cr + 2)) {
        out.append(bytes.substr(start, cr - start));
        start = cr + 1;  // keep the LF
    }
    out.append(bytes.substr(start));
    return out;
}

bool is_crlf(std::string_view bytes) {
    for (std::size_t i = bytes.find('\n'); i != std::string_view::npos;
         i = bytes.find('\n', i + 1)) {
        if (i == 0 || bytes[i - 1] != '\r') {
            return false;
        }
    }
    return true;
}

std::string lower(std::string_view text) {
    return ascii_lower(text);
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && istarts_with(a, b);
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (ascii_lower(text[i]) != ascii_lower(prefix[i])) {
            return false;
        }
    }
    return true;
}

bool icontains(std::string_view text, std::string_view needle) {
    auto equal = [](char a, char b) { return ascii_lower(a) == ascii_lower(b); };
    return std::search(text.begin(), text.end(), needle.begin(), needle.end(), equal) != text.end();
}

std::string_view trim_lwsp(std::string_view text) {
    while (!text.empty() && is_lwsp(text.front())) {
        text.remove_prefix(1);
    }
    return rtrim_lwsp(text);
}

std::string_view rtrim_lwsp(std::string_view text) {
    while (!text.empty() && is_lwsp(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool Lines::next(std::string_view& line, std::size_t& start) {
    if (pos_ >= text_.size()) {
        return false;
    }
    start = pos_;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) {
        end = text_.size();
        pos_ = end;
    } else {
        pos_ = end + 1;
    }
    line = text_.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return true;
}

}  // namespace sealpost::mime::text
