// `sealpost serve`: the daemon of DESIGN.md §1–2. One I/O thread runs the SMTP listeners,
// the next hop's connections and the HTTP listener with coroutines; the worker pool does the
// pipeline's work. SIGTERM: stop accepting, finish what is in flight, exit. SIGHUP: re-read
// sealpost.toml and rules.txt for the next message and the next connection; no connection
// is dropped.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sealpost::smtp {

// Command-line stand-ins for sealpost.toml, for quick starts and scripts.
struct ServeOptions {
    std::filesystem::path data_dir;
    std::vector<std::string> listen;  // "ADDR:PORT"; when given, these replace [[listener]]
    std::string role = "submission";  // the role of every --listen
    std::string next_hop;             // replaces [relay] next_hop
    std::string http;                 // replaces [http] address; "none" turns it off
    std::string keyserver;  // replaces [keyserver] address and turns serve_http on; "none" off
    bool log_level_from_config = true;  // false when --log-level was given
};

// Runs until SIGTERM or SIGINT; returns the process exit status. Errors in the setup (bad
// config, an address in use, a missing keystore) throw sealpost::Error naming the cause.
int serve(const ServeOptions& options);

}  // namespace sealpost::smtp
