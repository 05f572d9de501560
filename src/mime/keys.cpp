// Public keys attached to or pasted into a message, for auto-import.
#include "mime/keys.hpp"

#include "mime/armor.hpp"
#include "mime/gmime.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::size_t max_key_blocks = 64;

bool may_hold_keys(GMimeObject* part) {
    if (gm::is_type(part, "application", "pgp-keys") || gm::is_type(part, "text", "*")) {
        return true;
    }
    const char* name = g_mime_part_get_filename(GMIME_PART(part));
    std::string_view filename = name != nullptr ? name : "";
    return filename.size() >= 4 && text::iequals(filename.substr(filename.size() - 4), ".asc");
}

void collect(GMimePart* part, std::vector<std::string>& blocks) {
    std::string storage;
    std::string_view content = gm::content_view(part, storage);
    bool armored = false;
    for (const armor::Block& block : armor::find(content, max_key_blocks)) {
        if (block.type == armor::Type::PublicKey && blocks.size() < max_key_blocks) {
            blocks.emplace_back(block.text);
            armored = true;
        }
    }
    bool binary_keys = gm::is_type(GMIME_OBJECT(part), "application", "pgp-keys");
    if (binary_keys && !armored && !content.empty() && blocks.size() < max_key_blocks &&
        content.find("-----BEGIN PGP") == std::string_view::npos) {
        blocks.emplace_back(content);
    }
}

}  // namespace

std::vector<std::string> find_public_key_blocks(const Message& message) {
    std::vector<std::string> blocks;
    gm::walk(message.state().body_entity(), [&blocks](GMimeObject* object, std::size_t) {
        if (GMIME_IS_MESSAGE_PART(object) || gm::is_type(object, "multipart", "encrypted")) {
            return false;
        }
        if (GMIME_IS_PART(object) && may_hold_keys(object)) {
            collect(GMIME_PART(object), blocks);
        }
        return blocks.size() < max_key_blocks;
    });
    return blocks;
}

}  // namespace sealpost::mime
