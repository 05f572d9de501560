#include "discovery/key_discovery.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/log.hpp"
#include "discovery/key_check.hpp"
#include "dns/unbound_resolver.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::discovery {

namespace {

constexpr std::int64_t seconds_per_hour = 3600;

keystore::Origin origin_of(Source source) {
    switch (source) {
        case Source::Pka:
            return keystore::Origin::Pka;
        case Source::Wkd:
            return keystore::Origin::Wkd;
        case Source::Dane:
            return keystore::Origin::Dane;
    }
    return keystore::Origin::Pka;
}

}  // namespace

const char* to_string(Source source) {
    return keystore::to_string(origin_of(source));
}

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::Found:
            return "found";
        case Verdict::NotPublished:
            return "not-published";
        case Verdict::Refused:
            return "refused";
        case Verdict::Unavailable:
            return "unavailable";
    }
    return "?";
}

const char* to_string(Outcome::Result result) {
    switch (result) {
        case Outcome::Result::Found:
            return "found";
        case Outcome::Result::Cached:
            return "cached";
        case Outcome::Result::NegativeCached:
            return "negative-cached";
        case Outcome::Result::Nothing:
            return "nothing";
        case Outcome::Result::Invalid:
            return "invalid";
    }
    return "?";
}

bool is_fetched(const keystore::KeyRecord& key) {
    return key.cache_until != 0 &&
           (key.origin == keystore::Origin::Pka || key.origin == keystore::Origin::Wkd ||
            key.origin == keystore::Origin::Dane);
}

std::int64_t system_clock_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

DiscoveryServices real_services(const config::Discovery& settings,
                                std::shared_ptr<NegativeCache> misses,
                                const std::string& unbound_config_file) {
    const auto& config_file =
        unbound_config_file.empty() ? settings.unbound_config : unbound_config_file;
    dns::UnboundOptions options{settings.resolver, settings.trust_anchor, config_file,
                                std::chrono::milliseconds(settings.lookup_timeout_ms)};
    DiscoveryServices services;
    services.resolver = std::make_unique<dns::UnboundResolver>(options);
    services.fetcher = std::make_unique<CurlFetcher>();
    services.misses = misses ? std::move(misses) : std::make_shared<NegativeCache>();
    return services;
}

KeyDiscovery::KeyDiscovery(config::Discovery settings, keystore::KeyManager& keys,
                           DiscoveryServices services)
    : settings_(std::move(settings)), keys_(keys), services_(std::move(services)) {
    if (!services_.misses)
        services_.misses = std::make_shared<NegativeCache>();
}

std::size_t KeyDiscovery::sweep_expired() {
    // LIMITATION: the sweep reads every key record; with hundreds of thousands of keys it
    // should be a query on cache_until in the store instead.
    return remove_ended(keys_.store().list({}));
}

std::size_t KeyDiscovery::remove_ended(const std::vector<keystore::KeyRecord>& keys) {
    auto now = services_.clock();
    std::vector<keystore::KeyRecord> ended;
    for (const auto& key : keys) {
        if (is_fetched(key) && key.cache_until <= now)
            ended.push_back(key);
    }
    if (ended.empty())
        return 0;
    keys_.store().transaction([&] {
        for (const auto& key : ended)
            keys_.store().remove_key(key.fingerprint);
    });
    for (const auto& key : ended) {
        log::info("discovery", "fetched-key-expired",
                  {{"fpr", key.fingerprint},
                   {"source", keystore::to_string(key.origin)},
                   {"cache_until", key.cache_until}});
    }
    return ended.size();
}

bool KeyDiscovery::still_cached(const std::string& address, Outcome& outcome) {
    // Keys of this address whose cache ended go first, so that what the lookup finds now
    // (perhaps a changed record) replaces them.
    remove_ended(keys_.store().find_by_address(address));
    auto now = services_.clock();
    for (const auto& key : keys_.store().find_by_address(address)) {
        if (is_fetched(key) && key.cache_until > now && key.enabled) {
            outcome.result = Outcome::Result::Cached;
            outcome.fingerprint = key.fingerprint;
            return true;
        }
    }
    return false;
}

Attempt KeyDiscovery::import_checked(Source source, const std::string& address,
                                     std::string_view data, std::string_view fingerprint,
                                     std::uint32_t ttl) {
    auto check = check_fetched_keys(data, address, fingerprint);
    if (check.keys.empty())
        return make_attempt(source, Verdict::Refused, check.refused);
    auto hours = std::max(settings_.pka_cache_hours, 1);
    auto until = services_.clock() + std::max<std::int64_t>(hours * seconds_per_hour, ttl);
    keystore::ImportOptions options{.origin = origin_of(source)};
    options.limits.max_input_bytes = settings_.max_key_bytes;
    for (const auto& key : check.keys) {
        auto existing = keys_.store().get_record(key.fingerprint);
        // A key someone imported by hand stays for good: looking it up again must not turn
        // it into a cached one.
        options.cache_until = existing && existing->cache_until == 0 ? 0 : until;
        try {
            keys_.import(key.packets, options);
        } catch (const Error& e) {
            return make_attempt(source, Verdict::Refused,
                                std::string("import refused: ") + e.what());
        }
    }
    auto found = make_attempt(source, Verdict::Found, "");
    found.fingerprint = check.keys.front().fingerprint;
    found.cache_until = until;
    return found;
}

Attempt KeyDiscovery::try_source(Source source, const std::string& address,
                                 dns::Deadline deadline) {
    try {
        switch (source) {
            case Source::Pka:
                return try_pka(address, deadline);
            case Source::Wkd:
                return try_wkd(address, deadline);
            case Source::Dane:
                return try_dane(address, deadline);
        }
    } catch (const std::exception& e) {
        // The one boundary of a lookup: whatever a library threw counts as "could not tell".
        return make_attempt(source, Verdict::Unavailable,
                            std::string("internal error: ") + e.what());
    }
    return make_attempt(source, Verdict::Unavailable, "unknown source");
}

// Found is news (info); refusals and failures are a peer's doing (warn); an address with
// nothing published is the common case (debug).
void KeyDiscovery::log_attempt(const std::string& address, const Attempt& attempt) {
    const char* source = to_string(attempt.source);
    switch (attempt.verdict) {
        case Verdict::Found:
            log::info("discovery", "key-found",
                      {{"source", source},
                       {"address", address},
                       {"fpr", attempt.fingerprint},
                       {"cache_until", attempt.cache_until}});
            return;
        case Verdict::Refused:
        case Verdict::Unavailable:
        case Verdict::NotPublished:
            break;
    }
    auto level = attempt.verdict == Verdict::NotPublished ? log::Level::Debug : log::Level::Warn;
    const char* event = attempt.verdict == Verdict::Refused       ? "key-refused"
                        : attempt.verdict == Verdict::Unavailable ? "lookup-failed"
                                                                  : "not-published";
    log::event(level, "discovery", event,
               {{"source", source}, {"address", address}, {"reason", attempt.reason}});
}

Outcome KeyDiscovery::find(std::string_view address, dns::Deadline deadline) {
    Outcome outcome;
    try {
        outcome.address = openpgp::normalise_address(address);
    } catch (const Error& e) {
        outcome.result = Outcome::Result::Invalid;
        log::warn("discovery", "lookup-skipped", {{"address", address}, {"reason", e.what()}});
        return outcome;
    }
    try {
        if (still_cached(outcome.address, outcome))
            return outcome;
    } catch (const std::exception& e) {
        // A busy store is no reason to skip the lookup; the import below retries it.
        log::warn("discovery", "cache-check-failed",
                  {{"address", outcome.address}, {"reason", e.what()}});
    }
    if (services_.misses->holds(outcome.address, services_.clock())) {
        outcome.result = Outcome::Result::NegativeCached;
        log::debug("discovery", "negative-cached", {{"address", outcome.address}});
        return outcome;
    }
    const std::pair<Source, bool> order[] = {
        {Source::Pka, settings_.pka}, {Source::Wkd, settings_.wkd}, {Source::Dane, settings_.dane}};
    bool complete = true;
    for (const auto& [source, enabled] : order) {
        if (!enabled)
            continue;
        if (std::chrono::steady_clock::now() >= deadline) {
            outcome.attempts.push_back(
                make_attempt(source, Verdict::Unavailable, "the time ran out"));
            log_attempt(outcome.address, outcome.attempts.back());
            complete = false;
            break;
        }
        outcome.attempts.push_back(try_source(source, outcome.address, deadline));
        const auto& attempt = outcome.attempts.back();
        log_attempt(outcome.address, attempt);
        complete = complete && attempt.verdict != Verdict::Unavailable;
        if (attempt.verdict == Verdict::Found) {
            outcome.result = Outcome::Result::Found;
            outcome.fingerprint = attempt.fingerprint;
            return outcome;
        }
    }
    remember_miss(outcome.address, complete);
    return outcome;
}

// Nothing found: not asked again for a while, unless a source could not tell (a timeout
// is no evidence that nothing is published).
void KeyDiscovery::remember_miss(const std::string& address, bool complete) {
    auto now = services_.clock();
    if (complete && settings_.negative_cache_minutes > 0) {
        services_.misses->add(address, now, now + settings_.negative_cache_minutes * 60);
    }
    log::info("discovery", "nothing-found",
              {{"address", address}, {"negative_cache", complete ? "yes" : "no"}});
}

}  // namespace sealpost::discovery
