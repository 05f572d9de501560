// The prescan of raw bytes before GMime (see prescan.hpp for what it bounds and why).
#include "mime/prescan.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_set>

#include "common/error.hpp"
#include "mime/gmime.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::string_view content_type_name = "content-type:";
// What one boundary comparison costs GMime beyond the bytes it compares, in bytes.
constexpr std::uint64_t per_line_cost = 32;

[[noreturn]] void exceeded(std::string_view limit, std::size_t value) {
    throw Error(ErrorKind::LimitExceeded,
                "message exceeds " + std::string(limit) + " (" + std::to_string(value) + ")");
}

// The boundary parameter as GMime's parser would read it from a Content-Type value.
std::optional<std::string> boundary_of(const std::string& value) {
    gm::Ptr<GMimeContentType> type(g_mime_content_type_parse(nullptr, value.c_str()));
    if (!type) {
        return std::nullopt;
    }
    const char* boundary = g_mime_content_type_get_parameter(type.get(), "boundary");
    if (boundary == nullptr) {
        return std::nullopt;
    }
    return std::string(text::rtrim_lwsp(boundary));
}

class Scanner {
public:
    explicit Scanner(const Limits& limits) : limits_(limits) {}

    void line(std::string_view line) {
        bool continuation = !line.empty() && text::is_lwsp(line.front());
        if (collecting_ && continuation) {
            append_field(line);
        } else {
            end_field();
        }
        if (text::istarts_with(line, content_type_name)) {
            start_field(line.substr(content_type_name.size()));
        }
        bool was_header = in_header_;
        if (in_header_) {
            header_line(line);
        }
        if (line.starts_with("--")) {
            dash_line(line, was_header);
        }
    }

    Prescan finish() {
        end_field();
        std::uint64_t nesting = std::min<std::uint64_t>(multipart_fields_, boundary_lines_ + 1);
        std::uint64_t work = (dash_bytes_ + per_line_cost * dash_lines_) * nesting;
        if (work > limits_.max_boundary_work) {
            exceeded("max_boundary_work", work);
        }
        // Each level below the top is a multipart's part or a message/* part's message, and
        // a message/* part needs a field naming it or a digest (a multipart) around it. Each
        // part below the top starts at a boundary line or is the message of a message/* part,
        // which is named by a field or is a digest entry (itself after a boundary line).
        std::uint64_t entries = digest_seen_ ? boundary_lines_ : 0;
        return {1 + 2 * (multipart_fields_ + message_fields_),
                1 + boundary_lines_ + message_fields_ + entries};
    }

private:
    void start_field(std::string_view value) {
        collecting_ = true;
        field_in_header_ = in_header_;
        field_.clear();
        append_field(value);
    }

    void append_field(std::string_view line) {
        content_type_bytes_ += line.size();
        if (content_type_bytes_ > limits_.max_header_bytes) {
            exceeded("max_header_bytes", content_type_bytes_);
        }
        field_ += line;
    }

    // GMime reads the first Content-Type of a block; counting every one over-approximates.
    void end_field() {
        if (!collecting_) {
            return;
        }
        collecting_ = false;
        bool names_message = text::icontains(field_, "message");
        message_fields_ += names_message ? 1 : 0;
        if (field_in_header_) {
            block_has_type_ = true;
            block_names_message_ = block_names_message_ || names_message;
        }
        if (!text::icontains(field_, "multipart")) {
            return;
        }
        ++multipart_fields_;
        digest_seen_ = digest_seen_ || text::icontains(field_, "digest");
        if (auto boundary = boundary_of(field_)) {
            boundaries_.insert(std::move(*boundary));
        }
    }

    void header_line(std::string_view line) {
        header_bytes_ += line.size() + 2;
        if (header_bytes_ > limits_.max_header_bytes) {
            exceeded("max_header_bytes", header_bytes_);
        }
        // GMime keeps field values as C strings: a NUL would cut a field short and make it
        // run into the next one when the message is written out again.
        if (line.find('\0') != std::string_view::npos) {
            throw Error(ErrorKind::BadInput, "NUL byte in a header block");
        }
        if (!line.empty()) {
            return;
        }
        // The block ends; a message/* body (or a digest entry) starts with another one.
        in_header_ = block_names_message_ || (!block_has_type_ && digest_seen_);
        block_has_type_ = false;
        block_names_message_ = false;
    }

    void dash_line(std::string_view line, bool was_header) {
        ++dash_lines_;
        dash_bytes_ += line.size();
        Match match = match_boundary(line.substr(2));
        if (match == Match::None) {
            return;
        }
        if (++boundary_lines_ > limits_.max_parts) {
            exceeded("max_parts", boundary_lines_);
        }
        if (match == Match::Delimiter && !was_header) {
            in_header_ = true;  // a part's header block follows its boundary line
        }
    }

    enum class Match { None, Delimiter, Close };

    // GMime: "--" + boundary, optionally "--", then only linear white space. A line that
    // could be either counts as a delimiter.
    Match match_boundary(std::string_view rest) const {
        if (boundaries_.empty()) {
            return Match::None;
        }
        std::string candidate(text::rtrim_lwsp(rest));
        if (boundaries_.contains(candidate)) {
            return Match::Delimiter;
        }
        if (candidate.size() >= 2 && candidate.ends_with("--")) {
            candidate.resize(candidate.size() - 2);
            if (boundaries_.contains(std::string(text::rtrim_lwsp(candidate)))) {
                return Match::Close;
            }
        }
        return Match::None;
    }

    const Limits& limits_;
    bool in_header_ = true;
    bool block_has_type_ = false;
    bool block_names_message_ = false;
    bool digest_seen_ = false;
    bool collecting_ = false;
    bool field_in_header_ = false;
    std::string field_;
    std::unordered_set<std::string> boundaries_;
    std::size_t header_bytes_ = 0;
    std::size_t content_type_bytes_ = 0;
    std::uint64_t multipart_fields_ = 0;
    std::uint64_t message_fields_ = 0;
    std::uint64_t boundary_lines_ = 0;
    std::uint64_t dash_lines_ = 0;
    std::uint64_t dash_bytes_ = 0;
};

}  // namespace

Prescan prescan(std::string_view raw, const Limits& limits) {
    gm::ensure_initialized();
    Scanner scanner(limits);
    text::Lines lines(raw);
    std::string_view line;
    std::size_t start = 0;
    while (lines.next(line, start)) {
        scanner.line(line);
    }
    return scanner.finish();
}

}  // namespace sealpost::mime
