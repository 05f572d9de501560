#include "smtp/gateway/settings.hpp"

namespace sealpost::smtp {

std::shared_ptr<const Settings> SettingsHolder::replace(Settings next) {
    std::lock_guard lock(mutex_);
    next.generation = current_ ? current_->generation + 1 : 1;
    current_ = std::make_shared<const Settings>(std::move(next));
    return current_;
}

Settings load_settings(const std::filesystem::path& root) {
    Settings settings;
    auto config_file = root / "sealpost.toml";
    if (std::filesystem::exists(config_file)) {
        settings.config = config::load(config_file);
    }
    auto rules_file = root / "rules.txt";
    if (std::filesystem::exists(rules_file)) {
        settings.rules = policy::load(rules_file);
    }
    return settings;
}

}  // namespace sealpost::smtp
