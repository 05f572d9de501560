// sealpost passphrase change and sealpost backup.
#include <ctime>
#include <iostream>

#include "app/context.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "common/progress.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::app {

namespace {

std::string timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

// Armored public keys and armored secret keys (still under the master passphrase) of the
// whole keystore, as two files GnuPG imports, and a consistent copy of the database.
void run_backup(Context& context) {
    auto dir = context.data_dir();
    auto keys = context.store().all_keys();
    std::string public_ring;
    std::string private_ring;
    Progress progress("backing up keys", keys.size());
    for (const auto& key : keys) {
        openpgp::Keyring keyring;
        keyring.import(key.public_packets, false);
        public_ring += keyring.export_public(key.record.fingerprint, true);
        if (!key.secret_packets.empty()) {
            openpgp::Keyring secret;
            secret.import(key.secret_packets, true);
            private_ring += secret.export_secret(key.record.fingerprint, true);
        }
        progress.advance();
    }
    progress.finish();
    auto stamp = timestamp();
    std::filesystem::create_directories(dir.backups());
    auto public_path = dir.backups() / ("Keyring.public." + stamp + ".bak");
    auto private_path = dir.backups() / ("Keyring.private." + stamp + ".bak");
    auto db_path = dir.backups() / ("keystore." + stamp + ".db");
    files::write_atomic(public_path, public_ring, 0600);
    files::write_atomic(private_path, private_ring, 0600);
    context.store().backup_to(db_path.string());
    // The copy holds the secret keys (still protected): as private as the keystore itself.
    std::filesystem::permissions(
        db_path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    log::info("keystore", "backup-written",
              {{"keys", keys.size()},
               {"public", public_path.string()},
               {"private", private_path.string()},
               {"database", db_path.string()}});
    std::cout << public_path.string() << '\n'
              << private_path.string() << '\n'
              << db_path.string() << '\n';
}

}  // namespace

void add_maintenance_commands(CLI::App& app, Context& context) {
    auto* passphrase = app.add_subcommand("passphrase", "the master passphrase");
    passphrase->require_subcommand(1);
    auto* change = passphrase->add_subcommand(
        "change", "re-protect every secret key with a new master passphrase");
    auto file = std::make_shared<std::string>();
    change->add_option("--new-passphrase-file", *file,
                       "file holding the new passphrase (default: a new random one)");
    change->callback([&context, file] {
        auto next = file->empty() ? Secret::random() : read_passphrase_option(*file);
        auto count = keystore::change_master_passphrase(context.data_dir(), context.keys(), next);
        std::cout << "re-protected " << count << " secret keys; the new passphrase is in "
                  << context.data_dir().passphrase().string() << '\n';
    });

    app.add_subcommand("backup", "write dated key backups and a database copy to backups/")
        ->callback([&context] { run_backup(context); });
}

}  // namespace sealpost::app
