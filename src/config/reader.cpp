#include "config/reader.hpp"

#include "common/error.hpp"

namespace sealpost::config {

namespace {

// The message is one line whatever the file holds: control characters become \xNN.
std::string printable(std::string_view text) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : text) {
        if (c < ' ' || c == 0x7f) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string_view type_name(toml::node_type type) {
    switch (type) {
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time:
            return "a date or time";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

}  // namespace

void fail_at(std::string_view source, const toml::source_region& where, std::string_view key,
             std::string_view what) {
    std::string message(source);
    message += ':' + std::to_string(where.begin.line) + ':' + std::to_string(where.begin.column);
    message += ": ";
    if (!key.empty()) {
        message.append(key).append(": ");
    }
    message += what;
    throw Error(ErrorKind::BadInput, printable(message));
}

std::string in_quotes(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + '"';
}

TableReader::TableReader(const toml::table& table, std::string path, std::string_view source)
    : table_(table), path_(std::move(path)), source_(source) {}

void TableReader::read(std::string_view key, bool& out) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return;
    }
    if (!node->is_boolean()) {
        fail_type(key, *node, "a boolean (true or false)");
    }
    out = node->as_boolean()->get();
}

void TableReader::read(std::string_view key, std::string& out) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return;
    }
    if (!node->is_string()) {
        fail_type(key, *node, "a string");
    }
    out = node->as_string()->get();
}

void TableReader::read(std::string_view key, std::int64_t& out, std::int64_t min,
                       std::int64_t max) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return;
    }
    if (!node->is_integer()) {
        fail_type(key, *node, "an integer");
    }
    std::int64_t value = node->as_integer()->get();
    if (value < min) {
        fail(key, "must be at least " + std::to_string(min) + ", got " + std::to_string(value));
    }
    if (value > max) {
        fail(key, "must be at most " + std::to_string(max) + ", got " + std::to_string(value));
    }
    out = value;
}

void TableReader::section(std::string_view key,
                          const std::function<void(TableReader&)>& read_section) {
    const toml::node* node = take(key);
    if (node == nullptr) {
        return;
    }
    if (!node->is_table()) {
        fail_type(key, *node, "a table ([" + std::string(key) + "])");
    }
    TableReader reader(*node->as_table(), path_of(key), source_);
    read_section(reader);
    reader.reject_unknown();
}

const toml::node* TableReader::take(std::string_view key) {
    known_.emplace(key);
    return table_.get(key);
}

void TableReader::require(std::string_view key) const {
    if (!has(key)) {
        fail(key, "missing");
    }
}

void TableReader::reject_unknown() const {
    for (const auto& [key, node] : table_) {
        if (!known_.contains(key.str())) {
            fail_at(source_, key.source(), path_of(key.str()), "unknown key");
        }
    }
}

void TableReader::fail(std::string_view key, std::string_view what) const {
    const toml::node* node = table_.get(key);
    fail_at(source_, node != nullptr ? node->source() : table_.source(), path_of(key), what);
}

std::string TableReader::path_of(std::string_view key) const {
    if (path_.empty()) {
        return std::string(key);
    }
    return path_ + '.' + std::string(key);
}

void TableReader::fail_type(std::string_view key, const toml::node& node,
                            std::string_view expected) const {
    fail_at(source_, node.source(), path_of(key),
            "expected " + std::string(expected) + ", got " + std::string(type_name(node.type())));
}

void TableReader::fail_choice(std::string_view key, const std::vector<std::string_view>& names,
                              std::string_view got) const {
    std::string what = "must be ";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            what += i + 1 == names.size() ? " or " : ", ";
        }
        what += in_quotes(names[i]);
    }
    fail(key, what + ", got " + in_quotes(got));
}

}  // namespace sealpost::config
