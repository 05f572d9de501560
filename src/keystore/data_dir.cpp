#include "keystore/data_dir.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/error.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "keystore/sqlite/sqlite_store.hpp"

namespace sealpost::keystore {

namespace {

// Test hook: SEALPOST_FAULT=<point> ends the process at that point as a SIGKILL would, so
// tests can show that an interrupted passphrase change loses nothing.
void fault_point(const char* point) {
    const char* wanted = std::getenv("SEALPOST_FAULT");
    if (wanted != nullptr && std::strcmp(wanted, point) == 0) {
        ::_exit(137);
    }
}

Secret read_passphrase_file(const std::filesystem::path& path) {
    auto text = files::read(path, 4096);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    if (text.empty()) {
        throw Error(ErrorKind::BadInput, "the passphrase file " + path.string() + " is empty");
    }
    return Secret(std::move(text));
}

void finish_interrupted_change(const DataDir& dir, KeyManager& probe) {
    if (!std::filesystem::exists(dir.pending_passphrase())) {
        return;
    }
    auto pending = read_passphrase_file(dir.pending_passphrase());
    if (probe.passphrase_matches(pending)) {
        std::filesystem::rename(dir.pending_passphrase(), dir.passphrase());
        log::warn("keystore", "passphrase-change-completed",
                  {{"why", "a change had committed but not yet replaced the passphrase file"}});
    } else {
        std::filesystem::remove(dir.pending_passphrase());
        log::warn("keystore", "passphrase-change-abandoned",
                  {{"why", "a change was interrupted before it committed; old passphrase kept"}});
    }
}

}  // namespace

void create_keystore(const DataDir& dir) {
    auto secret = Secret::random();
    files::write_atomic(dir.passphrase(), secret.reveal() + "\n", 0600);
    sqlite::SqliteStore store(dir.keystore().string(), true);
    // Secret keys in it are protected, but who holds which key is nobody else's business.
    ::chmod(dir.keystore().c_str(), 0600);
    KeyManager keys(store, secret);
    keys.record_passphrase(secret);
}

OpenKeystore open_keystore(const DataDir& dir) {
    if (!std::filesystem::exists(dir.keystore())) {
        throw Error(ErrorKind::NotFound, "no keystore in " + dir.root.string() +
                                             " (create one with: sealpost init " +
                                             dir.root.string() + ")");
    }
    OpenKeystore open;
    open.store = std::make_unique<sqlite::SqliteStore>(dir.keystore().string(), false);
    KeyManager probe(*open.store, Secret());
    finish_interrupted_change(dir, probe);
    open.keys = std::make_unique<KeyManager>(*open.store, read_passphrase_file(dir.passphrase()));
    return open;
}

std::size_t change_master_passphrase(const DataDir& dir, KeyManager& keys, const Secret& next) {
    fault_point("passphrase-before-reprotect");
    auto count = keys.change_passphrase(next, [&] {
        files::write_atomic(dir.pending_passphrase(), next.reveal() + "\n", 0600);
        fault_point("passphrase-before-commit");
    });
    fault_point("passphrase-after-commit");
    std::filesystem::rename(dir.pending_passphrase(), dir.passphrase());
    return count;
}

}  // namespace sealpost::keystore
