// What the daemon reads from the data directory and re-reads on SIGHUP: sealpost.toml and
// rules.txt. Each reload makes a new immutable snapshot; a message in flight keeps the one it
// started with, the next message takes the new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>

#include "config/config.hpp"
#include "policy/rules.hpp"

namespace sealpost::smtp {

struct Settings {
    config::Config config;
    policy::Rules rules;
    std::uint64_t generation = 0;
};

class SettingsHolder {
public:
    explicit SettingsHolder(std::shared_ptr<const Settings> first) : current_(std::move(first)) {}

    std::shared_ptr<const Settings> get() const {
        std::lock_guard lock(mutex_);
        return current_;
    }

    // Installs `next` with the next generation number and returns it.
    std::shared_ptr<const Settings> replace(Settings next);

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const Settings> current_;
};

// Reads sealpost.toml (defaults when absent) and rules.txt (none when absent) from `root`.
// Throws Error(BadInput) naming the file and line of the first problem.
Settings load_settings(const std::filesystem::path& root);

}  // namespace sealpost::smtp
