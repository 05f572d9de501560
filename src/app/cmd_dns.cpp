// sealpost dns records: the PKA1 and OPENPGPKEY records to publish for local users' keys.
#include <iostream>

#include "app/context.hpp"
#include "directory/directory.hpp"
#include "http/keyserver/dns_records.hpp"

namespace sealpost::app {

namespace {

std::string keyserver_base(const config::Config& config) {
    std::string scheme = config.keyserver.tls_certificate.empty() ? "http://" : "https://";
    std::string base = config.keyserver.public_url.empty() ? scheme + config.keyserver.address
                                                           : config.keyserver.public_url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

}  // namespace

void add_dns_commands(CLI::App& app, Context& context) {
    auto* dns = app.add_subcommand("dns", "DNS records for publishing keys");
    dns->require_subcommand(1);
    auto domain = std::make_shared<std::string>();
    auto* records = dns->add_subcommand(
        "records", "PKA1 TXT and OPENPGPKEY records (zone-file lines) for local users' keys");
    records->add_option("--domain", *domain, "only this local domain");
    records->callback([&context, domain] {
        auto data_dir = context.data_dir();
        keyserver::KeySource source(data_dir.keystore());
        auto wanted = domain->empty() ? std::string() : directory::normalise_domain(*domain);
        for (const auto& line :
             keyserver::dns_records(source, keyserver_base(context.config()), wanted)) {
            std::cout << line << "\n";
        }
    });
}

}  // namespace sealpost::app
