// sealpost keys ...: list, show, generate, import, export, delete, enable, disable, prefer.
#include <iostream>

#include "app/context.hpp"
#include "app/key_format.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::app {

namespace {

struct GenerateArgs {
    std::string user;
    std::string name;
    std::string algo;
    std::optional<std::uint32_t> expires_days;
};

openpgp::KeyAlgorithm default_algorithm(const config::Config& config) {
    if (config.keys.key_algorithm == config::KeyAlgorithm::Ed25519) {
        return openpgp::KeyAlgorithm::Ed25519;
    }
    return openpgp::parse_key_algorithm("rsa" + std::to_string(config.keys.rsa_key_bits));
}

void run_generate(Context& context, const GenerateArgs& args) {
    auto address = openpgp::normalise_address(args.user);
    auto algorithm = args.algo.empty() ? default_algorithm(context.config())
                                       : openpgp::parse_key_algorithm(args.algo);
    auto days = args.expires_days.value_or(
        static_cast<std::uint32_t>(context.config().keys.key_expiry_days));
    bool domain_key = address.rfind("anybody@", 0) == 0;
    std::string name = domain_key && args.name.empty() ? "_Domain Key_" : args.name;
    auto record = context.keys().generate(address, name, algorithm, days);
    if (domain_key) {
        auto domain = address.substr(address.find('@') + 1);
        context.store().set_domain_key(domain, record.fingerprint);
        context.store().add_local_domain(domain);
        log::info("keystore", "domain-key-set", {{"domain", domain}, {"fpr", record.fingerprint}});
    }
    std::cout << key_line(record) << '\n';
}

void add_generate(CLI::App& keys, Context& context) {
    auto args = std::make_shared<GenerateArgs>();
    auto* cmd = keys.add_subcommand("generate", "create a key pair for an address");
    cmd->add_option("--user", args->user, "the address; anybody@DOMAIN makes a domain key")
        ->required();
    cmd->add_option("--name", args->name, "a name for the user ID");
    cmd->add_option("--algo", args->algo, "ed25519, rsa2048, rsa3072, rsa4096 or rsa1024")
        ->check(CLI::IsMember({"ed25519", "rsa1024", "rsa2048", "rsa3072", "rsa4096"}));
    cmd->add_option("--expires-days", args->expires_days, "days until it expires; 0 = never");
    cmd->callback([&context, args] { run_generate(context, *args); });
}

void add_list(CLI::App& keys, Context& context) {
    auto* cmd = keys.add_subcommand("list", "list keys");
    auto local = std::make_shared<bool>(false);
    auto remote = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    auto filter = std::make_shared<std::string>();
    auto* local_flag = cmd->add_flag("--local", *local, "only keys of local users");
    cmd->add_flag("--remote", *remote, "only keys of other people")->excludes(local_flag);
    cmd->add_option("--filter", *filter, "only keys whose user ID or fingerprint contains TEXT");
    cmd->add_flag("--json", *json, "print JSON");
    cmd->callback([&context, local, remote, json, filter] {
        keystore::ListFilter f;
        f.text = *filter;
        f.locality = *local    ? keystore::ListFilter::Locality::Local
                     : *remote ? keystore::ListFilter::Locality::Remote
                               : keystore::ListFilter::Locality::Any;
        auto records = context.store().list(f);
        if (*json) {
            auto out = nlohmann::json::array();
            for (const auto& r : records)
                out.push_back(key_json(r));
            std::cout << out.dump(2) << '\n';
            return;
        }
        for (const auto& r : records)
            std::cout << key_line(r) << '\n';
        std::cout << records.size() << (records.size() == 1 ? " key\n" : " keys\n");
    });
}

void add_show(CLI::App& keys, Context& context) {
    auto* cmd = keys.add_subcommand("show", "show one key in full");
    auto key = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
    cmd->add_flag("--json", *json, "print JSON");
    cmd->callback([&context, key, json] {
        auto record = context.keys().resolve(*key);
        if (*json) {
            std::cout << key_json(record).dump(2) << '\n';
        } else {
            std::cout << key_details(record, context.store());
        }
    });
}

void add_import(CLI::App& keys, Context& context) {
    auto* cmd = keys.add_subcommand("import", "import keys from files (armored or binary)");
    auto paths = std::make_shared<std::vector<std::string>>();
    auto passphrase_file = std::make_shared<std::string>();
    cmd->add_option("files", *paths, "key files; - for standard input")->required();
    cmd->add_option("--passphrase-file", *passphrase_file,
                    "file holding the passphrase of the secret keys being imported");
    cmd->callback([&context, paths, passphrase_file] {
        keystore::ImportOptions options;
        if (!passphrase_file->empty()) {
            options.secret_passphrase = read_passphrase_option(*passphrase_file);
        }
        for (const auto& path : *paths) {
            try {
                for (const auto& key : context.keys().import(read_input(path), options)) {
                    std::cout << key.fingerprint << "  " << to_string(key.outcome)
                              << (key.secret ? "  with secret key" : "");
                    if (key.dropped_signatures > 0) {
                        std::cout << "  (" << key.dropped_signatures
                                  << " third-party signatures not kept)";
                    }
                    std::cout << '\n';
                }
            } catch (const Error& e) {
                throw Error(e.kind(), path + ": " + e.what());
            }
        }
    });
}

void add_export(CLI::App& keys, Context& context) {
    auto* cmd = keys.add_subcommand("export", "export a key (into exports/ unless --out)");
    auto key = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto secret = std::make_shared<bool>(false);
    auto binary = std::make_shared<bool>(false);
    auto passphrase_file = std::make_shared<std::string>();
    cmd->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
    cmd->add_option("--out", *out, "output file; - for standard output");
    cmd->add_flag("--secret", *secret, "export the secret key (stays passphrase-protected)");
    cmd->add_flag("--binary", *binary, "binary instead of ASCII armor");
    cmd->add_option("--passphrase-file", *passphrase_file,
                    "protect the exported secret key with this passphrase instead of the "
                    "master passphrase");
    cmd->callback([&context, key, out, secret, binary, passphrase_file] {
        auto record = context.keys().resolve(*key);
        std::optional<Secret> protect;
        if (!passphrase_file->empty())
            protect = read_passphrase_option(*passphrase_file);
        auto data = *secret ? context.keys().export_secret(record.fingerprint, !*binary, protect)
                            : context.keys().export_public(record.fingerprint, !*binary);
        auto path = *out;
        if (path.empty()) {
            path = (context.data_dir().exports() /
                    (record.fingerprint + (*secret ? ".secret" : ".public") +
                     (*binary ? ".pgp" : ".asc")))
                       .string();
        }
        write_output(path, data, *secret ? 0600 : 0644);
        log::info("keystore", "key-exported",
                  {{"fpr", record.fingerprint}, {"secret", *secret ? "yes" : "no"}});
        if (path != "-")
            std::cout << "wrote " << path << '\n';
    });
}

void add_state_commands(CLI::App& keys, Context& context) {
    auto key = std::make_shared<std::string>();
    auto force = std::make_shared<bool>(false);
    auto* del = keys.add_subcommand("delete", "delete a key");
    del->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
    del->add_flag("--force", *force, "also delete a key that has a secret part");
    del->callback([&context, key, force] {
        auto record = context.keys().resolve(*key);
        if (record.has_secret && !*force) {
            throw Error(ErrorKind::Conflict, "key " + record.fingerprint +
                                                 " has a secret part; add --force to delete it");
        }
        context.store().transaction([&] { context.store().remove_key(record.fingerprint); });
        log::info("keystore", "key-deleted", {{"fpr", record.fingerprint}});
        std::cout << "deleted " << record.fingerprint << '\n';
    });
    for (bool enable : {true, false}) {
        auto* cmd =
            keys.add_subcommand(enable ? "enable" : "disable",
                                enable ? "allow a key to be used" : "keep a key but never use it");
        cmd->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
        cmd->callback([&context, key, enable] {
            auto record = context.keys().resolve(*key);
            context.store().set_enabled(record.fingerprint, enable);
            log::info("keystore", enable ? "key-enabled" : "key-disabled",
                      {{"fpr", record.fingerprint}});
        });
    }
    auto address = std::make_shared<std::string>();
    auto* prefer = keys.add_subcommand("prefer", "make a key the one chosen for its address");
    prefer->add_option("key", *key, "fingerprint or 16-hex key ID")->required();
    prefer->add_option("--address", *address, "only for this address of the key");
    prefer->callback([&context, key, address] {
        auto record = context.keys().resolve(*key);
        auto targets = record.addresses;
        if (!address->empty()) {
            auto wanted = openpgp::normalise_address(*address);
            if (std::find(targets.begin(), targets.end(), wanted) == targets.end()) {
                throw Error(ErrorKind::BadInput,
                            "key " + record.fingerprint + " has no user ID with " + wanted);
            }
            targets = {wanted};
        }
        if (targets.empty()) {
            throw Error(ErrorKind::BadInput, "key " + record.fingerprint + " has no address");
        }
        context.store().transaction([&] {
            for (const auto& a : targets)
                context.store().set_preferred(a, record.fingerprint);
        });
        for (const auto& a : targets) {
            log::info("keystore", "key-preferred", {{"fpr", record.fingerprint}, {"address", a}});
        }
    });
}

}  // namespace

void add_keys_commands(CLI::App& app, Context& context) {
    auto* keys = app.add_subcommand("keys", "manage the keystore");
    keys->require_subcommand(1);
    add_generate(*keys, context);
    add_list(*keys, context);
    add_show(*keys, context);
    add_import(*keys, context);
    add_export(*keys, context);
    add_state_commands(*keys, context);
    add_domain_key_commands(*keys, context);
    add_transport_commands(*keys, context);
    add_discovery_commands(*keys, context);
}

}  // namespace sealpost::app
