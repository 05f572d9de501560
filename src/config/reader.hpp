// Internal to src/config/: reads one TOML table into typed fields, checking types and ranges,
// and reports every key it was not asked for as unknown. All failures are Error(BadInput)
// with "<source>:<line>:<column>: <key>: what is wrong".
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sealpost::config {

// Throws Error(BadInput) for a problem at `where`; `key` may be empty (TOML syntax errors).
[[noreturn]] void fail_at(std::string_view source, const toml::source_region& where,
                          std::string_view key, std::string_view what);

template <typename Enum>
struct Choice {
    std::string_view name;
    Enum value;
};

// Borrows the table and the source name; both must outlive the reader.
class TableReader {
public:
    TableReader(const toml::table& table, std::string path, std::string_view source);

    // Each read leaves `out` untouched when the key is absent.
    void read(std::string_view key, bool& out);
    void read(std::string_view key, std::string& out);
    void read(std::string_view key, std::int64_t& out, std::int64_t min, std::int64_t max);

    template <typename Int>
    void read_int(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
        auto value = static_cast<std::int64_t>(out);
        read(key, value, min, max);
        out = static_cast<Int>(value);
    }

    template <typename Enum>
    void read_choice(std::string_view key, Enum& out, std::initializer_list<Choice<Enum>> choices) {
        if (!has(key)) {
            return;
        }
        std::string name;
        read(key, name);
        for (const auto& choice : choices) {
            if (choice.name == name) {
                out = choice.value;
                return;
            }
        }
        std::vector<std::string_view> names;
        for (const auto& choice : choices) {
            names.push_back(choice.name);
        }
        fail_choice(key, names, name);
    }

    // Reads the sub-table `key` with `read_section`, then rejects its unknown keys.
    void section(std::string_view key, const std::function<void(TableReader&)>& read_section);

    // Marks `key` as known and returns its node, or nullptr when absent.
    const toml::node* take(std::string_view key);
    bool has(std::string_view key) const { return table_.contains(key); }
    void require(std::string_view key) const;
    void reject_unknown() const;

    // Fails at the key's value, or at the table itself when the key is absent.
    [[noreturn]] void fail(std::string_view key, std::string_view what) const;

    std::string path_of(std::string_view key) const;
    std::string_view source() const { return source_; }

private:
    [[noreturn]] void fail_type(std::string_view key, const toml::node& node,
                                std::string_view expected) const;
    [[noreturn]] void fail_choice(std::string_view key, const std::vector<std::string_view>& names,
                                  std::string_view got) const;

    const toml::table& table_;
    std::string path_;  // dotted path of this table; empty for the document itself
    std::string_view source_;
    std::set<std::string, std::less<>> known_;
};

// `value` in double quotes, for messages.
std::string in_quotes(std::string_view value);

}  // namespace sealpost::config
