// File helpers with the durability Sealpost promises: a file is written whole or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace sealpost::files {

// Reads a whole file; throws Error(NotFound|BadInput) naming the path. Refuses files larger
// than `max_bytes` with Error(LimitExceeded).
std::string read(const std::filesystem::path& path, std::size_t max_bytes = 256u << 20);

// Writes to a temporary file beside `path`, fsyncs it, renames it over `path` and fsyncs the
// folder. `mode` is applied before any byte is written, so a secret is never world-readable.
void write_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode = 0644);

// Reads all of standard input (bounded like read()).
std::string read_stdin(std::size_t max_bytes = 256u << 20);

}  // namespace sealpost::files
