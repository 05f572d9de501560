// Finding the public key of a remote address by itself (DESIGN.md §6): PKA1, then the Web Key
// Directory, then DANE OPENPGPKEY; the first key that checks out is imported with its origin
// and a cache end, and fetched keys whose cache ended are removed again.
//
// Threading: a KeyDiscovery works on one KeyManager (one Store), so it belongs to one worker
// thread; make one per worker. find() blocks, at most until the deadline. Workers may share
// one NegativeCache (it is thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "discovery/fetcher.hpp"
#include "discovery/negative_cache.hpp"
#include "dns/resolver.hpp"
#include "keystore/key_manager.hpp"

namespace sealpost::discovery {

enum class Source { Pka, Wkd, Dane };
const char* to_string(Source source);

// What one source said. NotPublished: nothing there. Refused: something was there and failed
// a check (logged as a warning). Unavailable: could not tell (timeout, server failure).
enum class Verdict { Found, NotPublished, Refused, Unavailable };
const char* to_string(Verdict verdict);

struct Attempt {
    Source source = Source::Pka;
    Verdict verdict = Verdict::NotPublished;
    std::string reason;
    std::string fingerprint;       // when found
    std::int64_t cache_until = 0;  // when found
};

inline Attempt make_attempt(Source source, Verdict verdict, std::string reason) {
    Attempt attempt;
    attempt.source = source;
    attempt.verdict = verdict;
    attempt.reason = std::move(reason);
    return attempt;
}

struct Outcome {
    // found: a key was imported now; cached: a fetched key is still cached, nothing asked;
    // negative-cached: nothing was found lately, nothing asked; nothing: no source had a
    // usable key (the attempts say why); invalid: the address is not one.
    enum class Result { Found, Cached, NegativeCached, Nothing, Invalid } result = Result::Nothing;
    std::string address;
    std::string fingerprint;  // found or cached
    std::vector<Attempt> attempts;
};
const char* to_string(Outcome::Result result);

// A key discovery fetched and may remove again: origin pka, wkd or dane with a cache end.
bool is_fetched(const keystore::KeyRecord& key);

// Seconds since the epoch; tests substitute their own to move time without sleeping.
using Clock = std::function<std::int64_t()>;
std::int64_t system_clock_now();

struct DiscoveryServices {
    std::unique_ptr<dns::Resolver> resolver;
    std::unique_ptr<Fetcher> fetcher;
    std::shared_ptr<NegativeCache> misses;
    Clock clock = system_clock_now;
};

// The real services: libunbound on the [discovery] settings (with `unbound_config_file`, or
// else the settings' unbound_config, read first; see dns::UnboundOptions::config_file) and
// libcurl; a fresh negative cache unless given one.
DiscoveryServices real_services(const config::Discovery& settings,
                                std::shared_ptr<NegativeCache> misses = nullptr,
                                const std::string& unbound_config_file = "");

class KeyDiscovery {
public:
    KeyDiscovery(config::Discovery settings, keystore::KeyManager& keys,
                 DiscoveryServices services);

    // Looks for a key of `address`, imports it if one checks out, and says what happened.
    // Never throws for network trouble or hostile answers; returns by `deadline` (plus the
    // time of one local key import). Logs one line per decision (component "discovery").
    Outcome find(std::string_view address, dns::Deadline deadline);

    // Removes fetched keys (origin pka, wkd or dane) whose cache ended; returns how many. It
    // reads every key record, so callers run it now and then (the daemon hourly), not per
    // lookup; key choice skips an ended key meanwhile.
    std::size_t sweep_expired();

private:
    Attempt try_source(Source source, const std::string& address, dns::Deadline deadline);
    Attempt import_checked(Source source, const std::string& address, std::string_view data,
                           std::string_view fingerprint, std::uint32_t ttl);
    bool still_cached(const std::string& address, Outcome& outcome);
    std::size_t remove_ended(const std::vector<keystore::KeyRecord>& keys);
    void log_attempt(const std::string& address, const Attempt& attempt);
    void remember_miss(const std::string& address, bool complete);

    Attempt try_pka(const std::string& address, dns::Deadline deadline);
    Attempt try_wkd(const std::string& address, dns::Deadline deadline);
    Attempt try_dane(const std::string& address, dns::Deadline deadline);
    Attempt fetch_key(Source source, const std::string& url, const std::string& address,
                      std::string_view fingerprint, std::uint32_t ttl, dns::Deadline deadline);
    // Resolves the URL's host through our resolver into curl's "host:port:addresses" form;
    // a verdict other than Found says why that failed.
    Attempt pin_host(Source source, const HttpUrl& url, dns::Deadline deadline,
                     std::vector<std::string>& pinned);

    config::Discovery settings_;
    keystore::KeyManager& keys_;
    DiscoveryServices services_;
};

}  // namespace sealpost::discovery
