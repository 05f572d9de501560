#include "discovery/pka_record.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace sealpost::discovery {

namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> fields;
    while (!text.empty()) {
        auto semicolon = text.find(';');
        auto field = trim(text.substr(0, semicolon));
        if (!field.empty() || semicolon != std::string_view::npos)
            fields.push_back(field);
        text = semicolon == std::string_view::npos ? "" : text.substr(semicolon + 1);
    }
    if (!fields.empty() && fields.back().empty())
        fields.pop_back();  // a trailing ';'
    return fields;
}

std::optional<std::string> parse_fingerprint(std::string_view text) {
    if (text.size() != 40 && text.size() != 64)
        return std::nullopt;
    std::string upper;
    for (char c : text) {
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return std::nullopt;
        upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return upper;
}

std::optional<std::string> apply_field(PkaRecord& record, std::string_view name,
                                       std::string_view value) {
    if (name == "fpr") {
        if (!record.fingerprint.empty())
            return "fpr appears twice";
        auto fingerprint = parse_fingerprint(value);
        if (!fingerprint)
            return "fpr is not 40 or 64 hex digits";
        record.fingerprint = *fingerprint;
    } else if (name == "uri") {
        if (!record.uri.empty())
            return "uri appears twice";
        if (value.empty())
            return "uri is empty";
        record.uri = value;
    } else {
        return "unknown field '" + std::string(name) + "'";
    }
    return std::nullopt;
}

}  // namespace

std::variant<PkaRecord, std::string> parse_pka_record(std::string_view text) {
    auto fields = split_fields(text);
    if (fields.empty() || fields.front() != "v=pka1")
        return std::string("does not start with v=pka1");
    PkaRecord record;
    for (std::size_t i = 1; i < fields.size(); ++i) {
        auto equals = fields[i].find('=');
        if (equals == std::string_view::npos)
            return "field '" + std::string(fields[i]) + "' has no '='";
        auto name = trim(fields[i].substr(0, equals));
        if (auto why = apply_field(record, name, trim(fields[i].substr(equals + 1))))
            return *why;
    }
    if (record.fingerprint.empty())
        return std::string("no fpr");
    if (record.uri.empty())
        return std::string("no uri");
    return record;
}

}  // namespace sealpost::discovery
