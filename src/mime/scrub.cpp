#include "mime/scrub.hpp"

#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

// The line starting at `at`, with its line ending.
std::string_view line_at(std::string_view raw, std::size_t at) {
    auto end = raw.find('\n', at);
    return raw.substr(at, end == std::string_view::npos ? raw.size() - at : end - at + 1);
}

bool is_blank(std::string_view line) {
    return line == "\n" || line == "\r\n";
}

}  // namespace

std::string remove_raw_headers_with_prefix(std::string_view raw, std::string_view prefix) {
    std::string out;
    out.reserve(raw.size());
    std::size_t at = 0;
    bool dropping = false;
    while (at < raw.size()) {
        auto line = line_at(raw, at);
        if (is_blank(line)) {
            break;  // the body starts here and is copied whole below
        }
        bool continuation = text::is_lwsp(line.front());
        if (!continuation) {
            dropping = text::istarts_with(line, prefix);
        }
        if (!dropping) {
            out.append(line);
        }
        at += line.size();
    }
    out.append(raw.substr(at));
    return out;
}

}  // namespace sealpost::mime
