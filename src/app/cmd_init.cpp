// sealpost init DIR: a new data directory (DESIGN.md §3).
#include <sys/stat.h>

#include <iostream>

#include "app/context.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "openpgp/key_info.hpp"
#include "policy/default_rules.hpp"
#include "smtp/gateway/self_signed.hpp"

namespace sealpost::app {

namespace {

void init_data_dir(const std::filesystem::path& root, const std::vector<std::string>& domains) {
    if (std::filesystem::exists(root) && !std::filesystem::is_empty(root)) {
        throw Error(ErrorKind::Conflict,
                    root.string() + " already exists and is not empty; refusing to overwrite it");
    }
    std::filesystem::create_directories(root);
    ::chmod(root.c_str(), 0700);
    keystore::DataDir dir{root};
    for (const auto& sub : {dir.backups(), dir.exports(), root / "spool"}) {
        std::filesystem::create_directories(sub);
        ::chmod(sub.c_str(), 0700);
    }
    files::write_atomic(root / "sealpost.toml", config::default_file_text(), 0640);
    files::write_atomic(root / "rules.txt", policy::default_rules_text(), 0640);
    auto tls = root / "tls";
    std::filesystem::create_directories(tls);
    ::chmod(tls.c_str(), 0700);
    smtp::write_self_signed_certificate(smtp::machine_host_name(), tls / "cert.pem",
                                        tls / "key.pem");
    keystore::create_keystore(dir);
    auto opened = keystore::open_keystore(dir);
    for (const auto& domain : domains) {
        auto normal = openpgp::normalise_address("postmaster@" + domain);
        opened.store->add_local_domain(normal.substr(normal.find('@') + 1));
    }
    log::info("app", "data-dir-created", {{"path", root.string()}, {"domains", domains.size()}});
}

}  // namespace

void add_init_command(CLI::App& app, Context& context) {
    auto* cmd = app.add_subcommand("init", "create a data directory with a new keystore");
    auto dir = std::make_shared<std::string>();
    auto domains = std::make_shared<std::vector<std::string>>();
    cmd->add_option("dir", *dir, "the folder to create (default: the data directory)");
    cmd->add_option("--domain", *domains, "a local domain (repeatable)");
    cmd->callback([&context, dir, domains] {
        auto root = dir->empty() ? context.data_dir().root : std::filesystem::path(*dir);
        init_data_dir(root, *domains);
        std::cout << "created " << root.string() << " (keystore, sealpost.toml, rules.txt, "
                  << "passphrase, tls/)\n";
    });
}

}  // namespace sealpost::app
