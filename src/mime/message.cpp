// Message: the top-level header fields through GMime, the body from the parsed bytes.
#include "mime/message.hpp"

#include <functional>

#include "common/error.hpp"
#include "mime/state.hpp"
#include "mime/text.hpp"

namespace sealpost::mime {

namespace {

constexpr std::size_t max_group_nesting = 2;

bool is_content_field(std::string_view name) {
    return text::istarts_with(name, "Content-");
}

// RFC 5322 §4.5.3 (obsolete syntax) allows white space before the colon; GMime keeps it in
// the name, so "X-Sealpost-Verified : good" must still match "X-Sealpost-Verified".
bool same_field(std::string_view field, std::string_view name) {
    return text::iequals(text::rtrim_lwsp(field), name);
}

GMimeHeaderList* fields_of(GMimeObject* object) {
    return g_mime_object_get_header_list(object);
}

// Removes the matching fields from the end backwards, which moves the fewest entries.
std::size_t remove_where(GMimeHeaderList* list,
                         const std::function<bool(std::string_view)>& matches) {
    std::size_t removed = 0;
    for (int i = g_mime_header_list_get_count(list) - 1; i >= 0; --i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        if (matches(g_mime_header_get_name(header))) {
            g_mime_header_list_remove_at(list, i);
            ++removed;
        }
    }
    return removed;
}

void collect_addresses(InternetAddressList* list, std::size_t nesting,
                       std::vector<std::string>& out) {
    int count = list != nullptr ? internet_address_list_length(list) : 0;
    for (int i = 0; i < count; ++i) {
        InternetAddress* address = internet_address_list_get_address(list, i);
        if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
            const char* spec = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
            if (spec != nullptr && *spec != '\0') {
                out.push_back(text::lower(spec));
            }
        } else if (INTERNET_ADDRESS_IS_GROUP(address) && nesting < max_group_nesting) {
            auto* group = INTERNET_ADDRESS_GROUP(address);
            collect_addresses(internet_address_group_get_members(group), nesting + 1, out);
        }
    }
}

std::vector<std::string> addresses(InternetAddressList* list) {
    std::vector<std::string> out;
    collect_addresses(list, 0, out);
    return out;
}

}  // namespace

namespace detail {

void check_field(std::string_view name, std::string_view value) {
    if (name.empty() || is_content_field(name)) {
        throw Error(ErrorKind::BadInput,
                    "not an editable header field: '" + std::string(name) + "'");
    }
    for (char c : name) {
        if (c <= ' ' || c > '~' || c == ':') {
            throw Error(ErrorKind::BadInput, "invalid header field name");
        }
    }
    if (value.find_first_of("\r\n") != std::string_view::npos) {
        throw Error(ErrorKind::BadInput, "header field value spans lines: " + std::string(name));
    }
}

}  // namespace detail

Message::Message(std::unique_ptr<detail::MessageState> state) : state_(std::move(state)) {}
Message::Message(Message&&) noexcept = default;
Message& Message::operator=(Message&&) noexcept = default;
Message::~Message() = default;

std::optional<std::string> Message::header(std::string_view name) const {
    std::vector<std::string> values = headers(name);
    if (values.empty()) {
        return std::nullopt;
    }
    return std::move(values.front());
}

std::vector<std::string> Message::headers(std::string_view name) const {
    GMimeObject* owner =
        is_content_field(name) ? state_->body_entity() : GMIME_OBJECT(state_->message.get());
    GMimeHeaderList* list = fields_of(owner);
    std::vector<std::string> values;
    int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        if (same_field(g_mime_header_get_name(header), name)) {
            const char* value = g_mime_header_get_value(header);
            values.emplace_back(value != nullptr ? value : "");
        }
    }
    return values;
}

void Message::set_header(std::string_view name, std::string_view value) {
    detail::check_field(name, value);
    std::string field(name);
    std::string text(value);
    g_mime_object_set_header(GMIME_OBJECT(state_->message.get()), field.c_str(), text.c_str(),
                             "utf-8");
}

void Message::add_header(std::string_view name, std::string_view value) {
    detail::check_field(name, value);
    std::string field(name);
    std::string text(value);
    g_mime_object_append_header(GMIME_OBJECT(state_->message.get()), field.c_str(), text.c_str(),
                                "utf-8");
}

std::size_t Message::remove_header(std::string_view name) {
    detail::check_field(name, "");
    return remove_where(fields_of(GMIME_OBJECT(state_->message.get())),
                        [name](std::string_view field) { return same_field(field, name); });
}

std::size_t Message::remove_headers_with_prefix(std::string_view prefix) {
    if (prefix.empty()) {
        throw Error(ErrorKind::BadInput, "empty header field prefix");
    }
    return remove_where(fields_of(GMIME_OBJECT(state_->message.get())),
                        [prefix](std::string_view field) {
                            return !is_content_field(field) && text::istarts_with(field, prefix);
                        });
}

std::string Message::subject() const {
    const char* subject = g_mime_message_get_subject(state_->message.get());
    return subject != nullptr ? subject : "";
}

void Message::set_subject(std::string_view utf8) {
    detail::check_field("Subject", utf8);
    std::string subject(utf8);
    g_mime_message_set_subject(state_->message.get(), subject.c_str(), "utf-8");
}

std::vector<std::string> Message::from() const {
    return addresses(g_mime_message_get_from(state_->message.get()));
}

std::vector<std::string> Message::to() const {
    return addresses(g_mime_message_get_to(state_->message.get()));
}

std::vector<std::string> Message::cc() const {
    return addresses(g_mime_message_get_cc(state_->message.get()));
}

std::optional<std::string> Message::message_id() const {
    const char* id = g_mime_message_get_message_id(state_->message.get());
    if (id == nullptr || *id == '\0') {
        return std::nullopt;
    }
    return std::string(id);
}

std::string Message::serialize(Newline newline) const {
    std::string out = gm::headers_of(GMIME_OBJECT(state_->message.get()));
    std::string_view body = state_->body();
    out.reserve(out.size() + 2 + body.size());
    out += "\r\n";
    out += body;
    if (newline == Newline::Lf) {
        return text::to_lf(out);
    }
    return out;
}

std::string Message::release() && {
    if (!state_->owned) {
        return serialize();
    }
    std::string head = gm::headers_of(GMIME_OBJECT(state_->message.get())) + "\r\n";
    std::size_t body_offset = state_->body_offset;
    std::unique_ptr<std::string> bytes = std::move(state_->owned);
    // Nothing may read the bytes while they move: GMime lets go of them first.
    state_ = std::make_unique<detail::MessageState>();
    bytes->replace(0, body_offset, head);
    return std::move(*bytes);
}

}  // namespace sealpost::mime
