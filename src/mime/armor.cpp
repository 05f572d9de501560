// Line-based search for OpenPGP armor (RFC 4880 §6.2).
#include "mime/armor.hpp"

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

}  // namespace

std::vector<Block> find(std::string_view text, std::size_t max_blocks) {
    std::vector<Block> blocks;
    std::optional<Markers> open;
    std::size_t open_at = 0;
    text::Lines lines(text);
    std::string_view line;
    std::size_t start = 0;
    while (blocks.size() < max_blocks && lines.next(line, start)) {
        if (!open) {
            open = opening(line);
            open_at = start;
        } else if (is_line(line, open->end)) {
            std::size_t end = start + line.size();
            blocks.push_back({open->type, text.substr(open_at, end - open_at)});
            open.reset();
        }
    }
    return blocks;
}

bool stands_alone(std::string_view text, std::string_view block) {
    auto offset = static_cast<std::size_t>(block.data() - text.data());
    return blank(text.substr(0, offset)) && blank(text.substr(offset + block.size()));
}

}  // namespace sealpost::mime::armor
