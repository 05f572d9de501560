// sealpost keys domain-key ... and keys transport ...: keys chosen by domain or by the IP
// address of the receiving server (DESIGN.md §4).
#include <arpa/inet.h>

#include <iostream>

#include "app/context.hpp"
#include "app/key_format.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::app {

namespace {

std::string normalise_domain(const std::string& domain) {
    auto address = openpgp::normalise_address("anybody@" + domain);
    return address.substr(address.find('@') + 1);
}

std::string normalise_ip(const std::string& ip) {
    unsigned char buf[16];
    char text[INET6_ADDRSTRLEN];
    if (::inet_pton(AF_INET, ip.c_str(), buf) == 1) {
        return ::inet_ntop(AF_INET, buf, text, sizeof text);
    }
    if (::inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
        return ::inet_ntop(AF_INET6, buf, text, sizeof text);
    }
    throw Error(ErrorKind::BadInput, "not an IP address: '" + ip + "'");
}

void set_domain_key(Context& context, const std::string& domain, const std::string& fpr) {
    context.store().set_domain_key(domain, fpr);
    log::info("keystore", "domain-key-set", {{"domain", domain}, {"fpr", fpr}});
    std::cout << domain << "  " << fpr << '\n';
}

}  // namespace

void add_domain_key_commands(CLI::App& keys, Context& context) {
    auto* group = keys.add_subcommand("domain-key", "keys that stand for a whole domain");
    group->require_subcommand(1);
    auto domain = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();

    auto* set = group->add_subcommand("set", "encrypt all mail to DOMAIN to KEY");
    set->add_option("domain", *domain)->required();
    set->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
    set->callback([&context, domain, key] {
        auto record = context.keys().resolve(*key);
        if (!record.can_encrypt) {
            throw Error(ErrorKind::Unusable, "key " + record.fingerprint + " cannot encrypt");
        }
        set_domain_key(context, normalise_domain(*domain), record.fingerprint);
    });

    auto* import = group->add_subcommand("import", "import a key file as DOMAIN's key");
    auto file = std::make_shared<std::string>();
    import->add_option("domain", *domain)->required();
    import->add_option("file", *file)->required();
    import->callback([&context, domain, file] {
        auto normal = normalise_domain(*domain);
    auto data = read_input(*file);
    auto imported = context.keys().import(data);
    if (imported.size() != 1) {
        throw Error(ErrorKind::BadInput, *file + " holds " + std::to_string(imported.size()) +
                                             " keys; a domain key file must hold one");
    }
    set_domain_key(context, normal, imported.front().fingerprint);
});

auto* generate = group->add_subcommand("generate", "create the key pair anybody@DOMAIN");
generate->add_option("domain", *domain)->required();
generate->callback([&context, domain] {
    auto normal = normalise_domain(*domain);
    auto record = context.keys().generate("anybody@" + normal, "_Domain Key_",
                                          openpgp::KeyAlgorithm::Ed25519, 0);
    context.store().add_local_domain(normal);
    set_domain_key(context, normal, record.fingerprint);
});

group->add_subcommand("list", "list domain keys")->callback([&context] {
    for (const auto& entry : context.store().domain_keys()) {
        std::cout << entry.domain << "  " << entry.fingerprint << '\n';
    }
});

auto* remove = group->add_subcommand("remove", "stop using a domain key (the key stays)");
remove->add_option("domain", *domain)->required();
remove->callback([&context, domain] {
    auto normal = normalise_domain(*domain);
    if (!context.store().remove_domain_key(normal)) {
        throw Error(ErrorKind::NotFound, "no domain key for " + normal);
    }
    log::info("keystore", "domain-key-removed", {{"domain", normal}});
});
}  // namespace sealpost::app

void add_transport_commands(CLI::App& keys, Context& context) {
    auto* group = keys.add_subcommand("transport", "encrypt by the IP of the receiving server");
    group->require_subcommand(1);
    auto ip = std::make_shared<std::string>();
    auto key = std::make_shared<std::string>();

    auto* set = group->add_subcommand("set", "encrypt everything delivered to IP to KEY");
    set->add_option("ip", *ip)->required();
    set->add_option("key", *key, "fingerprint, 16-hex key ID or address")->required();
    set->callback([&context, ip, key] {
        auto normal = normalise_ip(*ip);
        auto record = context.keys().resolve(*key);
        if (!record.can_encrypt) {
            throw Error(ErrorKind::Unusable, "key " + record.fingerprint + " cannot encrypt");
        }
        context.store().set_transport_key(normal, record.fingerprint);
        log::info("keystore", "transport-key-set", {{"ip", normal}, {"fpr", record.fingerprint}});
    });

    group->add_subcommand("list", "list transport keys")->callback([&context] {
        for (const auto& entry : context.store().transport_keys()) {
            std::cout << entry.ip << "  " << entry.fingerprint << '\n';
        }
    });

    auto* remove = group->add_subcommand("remove", "stop encrypting to IP");
    remove->add_option("ip", *ip)->required();
    remove->callback([&context, ip] {
        auto normal = normalise_ip(*ip);
        if (!context.store().remove_transport_key(normal)) {
            throw Error(ErrorKind::NotFound, "no transport key for " + normal);
        }
        log::info("keystore", "transport-key-removed", {{"ip", normal}});
    });
}

}  // namespace sealpost::app
