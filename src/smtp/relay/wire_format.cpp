#include "smtp/relay/wire_format.hpp"

#include <algorithm>
#include <cctype>

namespace sealpost::smtp {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Counts the digits at the start of `text`, at most `limit`.
std::size_t count_digits(std::string_view text, std::size_t limit) {
    std::size_t n = 0;
    while (n < text.size() && n < limit && is_digit(text[n])) {
        ++n;
    }
    return n;
}

std::string upper(std::string_view word) {
    std::string out(word);
    for (char& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

std::vector<std::string> split_words(std::string_view line) {
    std::vector<std::string> words;
    std::size_t at = 0;
    while (at < line.size()) {
        auto start = line.find_first_not_of(' ', at);
        if (start == std::string_view::npos) {
            break;
        }
        auto end = line.find(' ', start);
        words.emplace_back(line.substr(start, end - start));
        at = end == std::string_view::npos ? line.size() : end;
    }
    return words;
}

}  // namespace

std::string ServerReply::text() const {
    std::string out;
    for (const auto& line : lines) {
        if (!out.empty()) {
            out += '\n';
        }
        out += line;
    }
    return out;
}

std::string ServerReply::summary() const {
    std::string out = std::to_string(code);
    if (!enhanced.empty()) {
        out += ' ';
        out += enhanced;
    }
    for (const auto& line : lines) {
        out += ' ';
        out += line;
    }
    return out;
}

std::optional<ReplyLine> parse_reply_line(std::string_view line) {
    if (line.size() < 3 || count_digits(line, 3) != 3) {
        return std::nullopt;
    }
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 200 || code > 599) {
        return std::nullopt;
    }
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-') {
        return std::nullopt;
    }
    ReplyLine parsed;
    parsed.code = code;
    parsed.last = line.size() == 3 || line[3] == ' ';
    parsed.text = line.size() > 4 ? line.substr(4) : std::string_view{};
    return parsed;
}

std::string take_enhanced_code(int code, std::string& text) {
    // RFC 3463 §2: class "." subject (1-3 digits) "." detail (1-3 digits).
    std::string_view view(text);
    if (view.size() < 5 || view[0] != static_cast<char>('0' + code / 100) || view[1] != '.') {
        return {};
    }
    std::size_t subject = count_digits(view.substr(2), 3);
    if (subject == 0 || view.size() <= 2 + subject || view[2 + subject] != '.') {
        return {};
    }
    std::size_t detail_at = 3 + subject;
    std::size_t detail = count_digits(view.substr(detail_at), 3);
    std::size_t end = detail_at + detail;
    if (detail == 0 || (end < view.size() && view[end] != ' ')) {
        return {};
    }
    std::string enhanced(view.substr(0, end));
    text.erase(0, end < view.size() ? end + 1 : end);
    return enhanced;
}

bool Extensions::offers_xforward(std::string_view attribute) const {
    for (const auto& offered : xforward) {
        if (offered == attribute) {
            return true;
        }
    }
    return false;
}

Extensions parse_extensions(const std::vector<std::string>& lines) {
    Extensions offered;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto words = split_words(lines[i]);
        if (words.empty()) {
            continue;
        }
        auto keyword = upper(words[0]);
        if (keyword == "PIPELINING") {
            offered.pipelining = true;
        } else if (keyword == "STARTTLS") {
            offered.starttls = true;
        } else if (keyword == "SIZE") {
            offered.size = true;
        } else if (keyword == "8BITMIME") {
            offered.eight_bit_mime = true;
        } else if (keyword == "SMTPUTF8") {
            offered.smtputf8 = true;
        } else if (keyword == "XFORWARD") {
            for (std::size_t w = 1; w < words.size(); ++w) {
                offered.xforward.push_back(upper(words[w]));
            }
        }
    }
    return offered;
}

std::string xtext(std::string_view value) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size());
    for (unsigned char c : value) {
        if (c >= '!' && c <= '~' && c != '+' && c != '=') {
            out += static_cast<char>(c);
        } else {
            out += '+';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

std::string DataEncoder::next(std::size_t limit) {
    std::string piece;
    piece.reserve(limit + 8);
    while (at_ < data_.size() && piece.size() < limit) {
        char c = data_[at_];
        if (c == '\r' || c == '\n') {
            ++at_;
            if (c == '\r' && at_ < data_.size() && data_[at_] == '\n') {
                ++at_;
            }
            piece += "\r\n";
            line_start_ = true;
            continue;
        }
        if (line_start_ && c == '.') {
            piece += '.';  // RFC 5321 §4.5.2
        }
        // The rest of the line (or of the piece) at once.
        std::size_t end = std::min(data_.find_first_of("\r\n", at_), data_.size());
        end = std::min(end, at_ + (limit - std::min(limit - 1, piece.size())));
        piece.append(data_.substr(at_, end - at_));
        at_ = end;
        line_start_ = false;
    }
    if (at_ == data_.size() && !finished_) {
        if (!line_start_) {
            piece += "\r\n";
            line_start_ = true;
        }
        piece += ".\r\n";
        finished_ = true;
    }
    return piece;
}

std::string encode_data(std::string_view data) {
    DataEncoder encoder(data);
    std::string out;
    while (!encoder.finished()) {
        out += encoder.next(64 * 1024);
    }
    return out;
}

bool is_clean_address(std::string_view address) {
    for (unsigned char c : address) {
        if (c < ' ' || c == 0x7f || c == '<' || c == '>') {
            return false;
        }
    }
    return true;
}

bool has_non_ascii(std::string_view text) {
    for (unsigned char c : text) {
        if (c >= 0x80) {
            return true;
        }
    }
    return false;
}

}  // namespace sealpost::smtp
