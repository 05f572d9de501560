// Line-based search for OpenPGP armor (RFC 4880 §6.2).
#include "mime/armor.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "mime/text.hpp"

namespace sealpost::mime::armor {

namespace {

struct Markers {
    Type type;
    std::string_view begin;
    std::string_view end;
};

// A cleartext-signed message (RFC 4880 §7) ends with its signature's END line.
constexpr std::array<Markers, 3> markers = {{
    {Type::Message, "-----BEGIN PGP MESSAGE-----", "-----END PGP MESSAGE-----"},
    {Type::SignedMessage, "-----BEGIN PGP SIGNED MESSAGE-----", "-----END PGP SIGNATURE-----"},
    {Type::PublicKey, "-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----END PGP PUBLIC KEY BLOCK-----"},
}};

// RFC 4880 §6.2: an armor line may carry trailing white space.
bool is_line(std::string_view line, std::string_view marker) {
    return text::rtrim_lwsp(line) == marker;
}

std::optional<Markers> opening(std::string_view line) {
    if (!line.starts_with("-----BEGIN PGP ")) {
        return std::nullopt;
    }
    for (const Markers& candidate : markers) {
        if (is_line(line, candidate.begin)) {
            return candidate;
        }
    }
    return std::nullopt;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool blank(std::string_view text) {
    for (char c : text) {
        if (!is_space(c)) {
            return false;
        }
    }
    return true;
}

// Where the next line from `from` on that starts with `prefix` begins, or npos. A search for
// the prefix, not a walk over every line: bodies can be megabytes.
std::size_t next_line_with(std::string_view text, std::string_view prefix, std::size_t from) {
    for (std::size_t at = text.find(prefix, from); at != std::string_view::npos;
         at = text.find(prefix, at + 1)) {
        if (at == 0 || text[at - 1] == '\n') {
            return at;
        }
    }
    return std::string_view::npos;
}

// The line that starts at `at`, without its line break.
std::string_view line_at(std::string_view text, std::size_t at) {
    std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line = text.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
    }
    return line;
}

}  // namespace

// Line by line in effect: a BEGIN line opens a block, and only its own END line closes it.
std::vector<Block> find(std::string_view text, std::size_t max_blocks) {
    std::vector<Block> blocks;
    std::size_t from = 0;
    while (blocks.size() < max_blocks) {
        std::size_t open_at = next_line_with(text, "-----BEGIN PGP ", from);
        if (open_at == std::string_view::npos) {
            break;
        }
        std::string_view first = line_at(text, open_at);
        from = open_at + first.size();
        auto open = opening(first);
        if (!open) {
            continue;
        }
        std::size_t end_at = next_line_with(text, open->end, from);
        while (end_at != std::string_view::npos && !is_line(line_at(text, end_at), open->end)) {
            end_at = next_line_with(text, open->end, end_at + 1);
        }
        if (end_at == std::string_view::npos) {
            break;  // never closed: no block, as a reader going line by line would find
        }
        std::size_t end = end_at + line_at(text, end_at).size();
        blocks.push_back({open->type, text.substr(open_at, end - open_at)});
        from = end;
    }
    return blocks;
}

bool stands_alone(std::string_view text, std::string_view block) {
    auto offset = static_cast<std::size_t>(block.data() - text.data());
    return blank(text.substr(0, offset)) && blank(text.substr(offset + block.size()));
}

}  // namespace sealpost::mime::armor
