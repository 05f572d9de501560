// sealpost keys fetched / keys discover: the keys that discovery fetched, and a lookup now.
#include <sysexits.h>
#include <time.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "app/context.hpp"
#include "common/error.hpp"
#include "discovery/key_discovery.hpp"

namespace sealpost::app {

namespace {

std::string utc_time(std::int64_t epoch_seconds) {
    auto t = static_cast<time_t>(epoch_seconds);
    tm parts{};
    gmtime_r(&t, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return text;
}

void print_fetched(keystore::Store& store, bool json) {
    auto out = nlohmann::json::array();
    auto now = discovery::system_clock_now();
    std::size_t count = 0;
    for (const auto& key : store.list({})) {
        if (!discovery::is_fetched(key))
            continue;
        ++count;
        std::string addresses;
        for (const auto& address : key.addresses)
            addresses += (addresses.empty() ? "" : ",") + address;
        if (json) {
            out.push_back({{"fingerprint", key.fingerprint},
                           {"addresses", key.addresses},
                           {"source", keystore::to_string(key.origin)},
                           {"cache_until", utc_time(key.cache_until)},
                           {"ended", key.cache_until <= now}});
        } else {
            std::cout << key.fingerprint << "  " << addresses << "  "
                      << keystore::to_string(key.origin)
                      << (key.cache_until <= now ? "  ended " : "  until ")
                      << utc_time(key.cache_until) << '\n';
        }
    }
    if (json)
        std::cout << out.dump(2) << '\n';
    else
        std::cout << count << (count == 1 ? " fetched key\n" : " fetched keys\n");
}

struct DiscoverArgs {
    std::string address;
    std::string dns_config;
};

void run_discover(Context& context, const DiscoverArgs& args) {
    const auto& settings = context.config().discovery;
    discovery::KeyDiscovery finder(settings, context.keys(),
                                   discovery::real_services(settings, nullptr, args.dns_config));
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(settings.max_wait_ms);
    finder.sweep_expired();
    auto outcome = finder.find(args.address, deadline);
    for (const auto& attempt : outcome.attempts) {
        std::cout << to_string(attempt.source) << "  " << to_string(attempt.verdict)
                  << (attempt.reason.empty() ? "" : "  " + attempt.reason) << '\n';
    }
    std::cout << to_string(outcome.result)
              << (outcome.fingerprint.empty() ? "" : "  " + outcome.fingerprint) << '\n';
    if (outcome.result != discovery::Outcome::Result::Found &&
        outcome.result != discovery::Outcome::Result::Cached) {
        throw Error(ErrorKind::NotFound, "no key found for " + args.address);
    }
}

}  // namespace

void add_discovery_commands(CLI::App& keys, Context& context) {
    auto* fetched = keys.add_subcommand("fetched", "list keys fetched by PKA1, WKD or DANE");
    auto json = std::make_shared<bool>(false);
    fetched->add_flag("--json", *json, "print JSON");
    fetched->callback([&context, json] { print_fetched(context.store(), *json); });

    auto args = std::make_shared<DiscoverArgs>();
    auto* discover = keys.add_subcommand(
        "discover", "look up the key of an address now (PKA1, WKD, DANE) and import it");
    discover->add_option("address", args->address, "the address")->required();
    discover->add_option("--dns-config", args->dns_config,
                         "an unbound.conf read before the [discovery] settings");
    discover->callback([&context, args] { run_discover(context, *args); });
}

}  // namespace sealpost::app
