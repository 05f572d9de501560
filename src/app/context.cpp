#include "app/context.hpp"

#include <unistd.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/files.hpp"
#include "directory/sqlite_directory.hpp"

namespace sealpost::app {

keystore::DataDir Context::data_dir() const {
    if (!data_dir_option.empty()) {
        return {data_dir_option};
    }
    if (const char* env = std::getenv("SEALPOST_DATA_DIR"); env != nullptr && *env != '\0') {
        return {env};
    }
    return {"./var"};
}

keystore::OpenKeystore& Context::open() {
    if (!keystore_) {
        keystore_ = keystore::open_keystore(data_dir());
    }
    return *keystore_;
}

keystore::KeyManager& Context::keys() {
    return *open().keys;
}

const config::Config& Context::config() {
    if (!config_) {
        auto path = data_dir().root / "sealpost.toml";
        config_ = std::filesystem::exists(path) ? config::load(path) : config::Config{};
    }
    return *config_;
}

directory::Directory& Context::directory() {
    if (!directory_) {
        open();  // the keystore's checks and migrations come first
        directory_ = std::make_unique<directory::SqliteDirectory>(data_dir().keystore().string());
    }
    return *directory_;
}

Secret read_passphrase_option(const std::string& path) {
    auto text = path == "-" ? files::read_stdin(4096) : files::read(path, 4096);
    auto end = text.find_first_of("\r\n");
    if (end != std::string::npos) {
        text.resize(end);
    }
    return Secret(std::move(text));
}

void write_output(const std::string& path, const std::string& data, unsigned mode) {
    if (path.empty() || path == "-") {
        std::size_t done = 0;
        while (done < data.size()) {
            auto n = ::write(1, data.data() + done, data.size() - done);
            if (n <= 0) {
                throw Error(ErrorKind::Temporary, "cannot write to standard output");
            }
            done += static_cast<std::size_t>(n);
        }
        return;
    }
    files::write_atomic(path, data, mode);
}

std::string read_input(const std::string& path) {
    return path.empty() || path == "-" ? files::read_stdin() : files::read(path);
}

}  // namespace sealpost::app
