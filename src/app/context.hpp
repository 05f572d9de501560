// What every subcommand shares: the data directory and, opened on first use, its keystore
// and configuration.
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "directory/directory.hpp"
#include "keystore/data_dir.hpp"

namespace sealpost::app {

class Context {
public:
    std::string data_dir_option;  // --data-dir; empty when not given

    // --data-dir, else $SEALPOST_DATA_DIR, else ./var
    keystore::DataDir data_dir() const;
    keystore::KeyManager& keys();
    keystore::Store& store() { return *open().store; }
    const config::Config& config();
    directory::Directory& directory();  // on the keystore's database

private:
    keystore::OpenKeystore& open();

    std::optional<keystore::OpenKeystore> keystore_;
    std::optional<config::Config> config_;
    std::unique_ptr<directory::Directory> directory_;
};

// Subcommand groups; each adds its commands to `app`.
void add_init_command(CLI::App& app, Context& context);
void add_keys_commands(CLI::App& app, Context& context);
void add_domain_key_commands(CLI::App& keys, Context& context);
void add_transport_commands(CLI::App& keys, Context& context);
void add_discovery_commands(CLI::App& keys, Context& context);
void add_crypto_commands(CLI::App& app, Context& context);
void add_maintenance_commands(CLI::App& app, Context& context);
void add_rules_commands(CLI::App& app, Context& context);
void add_directory_commands(CLI::App& app, Context& context);
void add_process_command(CLI::App& app, Context& context);
void add_serve_command(CLI::App& app, Context& context);
void add_dns_commands(CLI::App& app, Context& context);

// Reads a passphrase from a file (first line) for a command-line option; the passphrase is
// never taken from the command line itself, where `ps` would show it.
Secret read_passphrase_option(const std::string& path);

// Writes `data` to `path`, or to standard output when `path` is "-" or empty.
void write_output(const std::string& path, const std::string& data, unsigned mode = 0644);
std::string read_input(const std::string& path);  // "-" = standard input

}  // namespace sealpost::app
