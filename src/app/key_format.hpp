// How keys are shown to an administrator: one line per key for lists, a block for `show`,
// JSON for scripts.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "keystore/store.hpp"

namespace sealpost::app {

std::string format_time(std::int64_t epoch_seconds);  // "2026-12-03" or "never"
std::string key_line(const keystore::KeyRecord& key);
std::string key_details(const keystore::KeyRecord& key, keystore::Store& store);
nlohmann::json key_json(const keystore::KeyRecord& key);

}  // namespace sealpost::app
