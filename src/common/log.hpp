// Sealpost's event log: one line per event, `time level component event key=value ...`.
// Thread-safe. Never pass passphrases, key material or message bodies as values.
#pragma once

#include <cstdio>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sealpost::log {

enum class Level { Trace, Debug, Info, Warn, Error };

struct Field {
    std::string_view key;
    std::string value;

    Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
    Field(std::string_view k, std::string_view v) : key(k), value(v) {}
    Field(std::string_view k, const char* v) : key(k), value(v) {}
    template <typename Number>
    requires std::is_arithmetic_v<Number> Field(std::string_view k, Number v)
        : key(k), value(std::to_string(v)) {}
};

// Where the log goes: standard error by default; `set_level` filters below a level.
void set_level(Level level);
Level parse_level(std::string_view name);

void event(Level level, std::string_view component, std::string_view name,
           std::initializer_list<Field> fields = {});

inline void info(std::string_view component, std::string_view name,
                 std::initializer_list<Field> fields = {}) {
    event(Level::Info, component, name, fields);
}
inline void warn(std::string_view component, std::string_view name,
                 std::initializer_list<Field> fields = {}) {
    event(Level::Warn, component, name, fields);
}
inline void error(std::string_view component, std::string_view name,
                  std::initializer_list<Field> fields = {}) {
    event(Level::Error, component, name, fields);
}
inline void debug(std::string_view component, std::string_view name,
                  std::initializer_list<Field> fields = {}) {
    event(Level::Debug, component, name, fields);
}

// Libraries that print to standard error on their own (librnp does, in Debian's build) would
// break the one-line error a command promises. This keeps the real standard error for
// Sealpost alone and turns whatever else arrives on file descriptor 2 into debug events of
// component `library`. Call once, first thing in main().
void divert_stray_output();

// Where Sealpost's own output for humans goes: the real standard error.
std::FILE* error_stream();

// Formats `key=value`, quoting values with spaces, quotes or control characters.
std::string format_fields(std::initializer_list<Field> fields);

}  // namespace sealpost::log
