#include "http/keyserver/key_source.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/error.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "openpgp/key_info.hpp"
#include "openpgp/keyring.hpp"

namespace sealpost::keyserver {

namespace {

bool fetched_by_discovery(keystore::Origin origin) {
    using keystore::Origin;
    return origin == Origin::Pka || origin == Origin::Wkd || origin == Origin::Dane ||
           origin == Origin::Rkey;
}

}  // namespace

bool in_local_domain(const std::string& address, const std::vector<std::string>& local_domains) {
    auto at = address.rfind('@');
    if (at == std::string::npos) {
        return false;
    }
    auto domain = address.substr(at + 1);
    return std::find(local_domains.begin(), local_domains.end(), domain) != local_domains.end();
}

bool servable(const keystore::KeyRecord& record, const std::vector<std::string>& local_domains,
              std::int64_t now) {
    if (!record.local || !record.enabled || record.revoked || record.expired_at(now) ||
        fetched_by_discovery(record.origin)) {
        return false;
    }
    return std::any_of(record.addresses.begin(), record.addresses.end(),
                       [&](const std::string& a) { return in_local_domain(a, local_domains); });
}

std::string public_key_bytes(const ServedKey& key, bool armored) {
    openpgp::Keyring keyring;
    keyring.import(key.public_packets, /*with_secret=*/false);
    return keyring.export_public(key.record.fingerprint, armored);
}

std::string minimal_public_key(const ServedKey& key, const std::string& address) {
    openpgp::Keyring keyring;
    keyring.import(key.public_packets, /*with_secret=*/false);
    for (const auto& user_id : key.record.user_ids) {
        if (openpgp::address_from_user_id(user_id) == address) {
            try {
                return keyring.export_minimal(key.record.fingerprint, user_id);
            } catch (const Error&) {
                break;  // the whole key below
            }
        }
    }
    return keyring.export_public(key.record.fingerprint, false);
}

// A keystore connection taken from the idle list (or opened) and given back when done.
class KeySource::Lease {
public:
    explicit Lease(KeySource& source) : source_(source) {
        std::lock_guard lock(source_.mutex_);
        if (!source_.idle_.empty()) {
            store_ = std::move(source_.idle_.back());
            source_.idle_.pop_back();
        }
    }
    ~Lease() {
        if (store_) {
            std::lock_guard lock(source_.mutex_);
            source_.idle_.push_back(std::move(store_));
        }
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    keystore::Store& store() {
        if (!store_) {
            store_ = std::make_unique<keystore::sqlite::SqliteStore>(source_.path_.string());
        }
        return *store_;
    }

private:
    KeySource& source_;
    std::unique_ptr<keystore::Store> store_;
};

KeySource::KeySource(std::filesystem::path keystore_db, Clock clock)
    : path_(std::move(keystore_db)), clock_(std::move(clock)) {}

KeySource::~KeySource() = default;

std::int64_t KeySource::now() const {
    if (clock_) {
        return clock_();
    }
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::vector<ServedKey> KeySource::load(keystore::Store& store,
                                       const std::vector<keystore::KeyRecord>& records) {
    auto domains = store.local_domains();
    auto at = now();
    std::vector<ServedKey> out;
    for (const auto& record : records) {
        if (!servable(record, domains, at)) {
            continue;
        }
        auto stored = store.get_key(record.fingerprint);
        if (stored) {
            out.push_back({stored->record, stored->public_packets});
        }
    }
    return out;
}

std::vector<ServedKey> KeySource::by_key_id(const std::string& key_id) {
    Lease lease(*this);
    return load(lease.store(), lease.store().find_by_key_id(key_id));
}

std::vector<ServedKey> KeySource::by_fingerprint(const std::string& fingerprint) {
    Lease lease(*this);
    auto record = lease.store().get_record(fingerprint);
    if (!record) {
        return {};
    }
    return load(lease.store(), {*record});
}

std::vector<ServedKey> KeySource::by_address(const std::string& address) {
    Lease lease(*this);
    return load(lease.store(), lease.store().find_by_address(address));
}

std::vector<ServedKey> KeySource::by_text(const std::string& text) {
    Lease lease(*this);
    keystore::ListFilter filter;
    filter.locality = keystore::ListFilter::Locality::Local;
    filter.text = text;
    return load(lease.store(), lease.store().list(filter));
}

std::vector<std::string> KeySource::local_domains() {
    Lease lease(*this);
    return lease.store().local_domains();
}

std::vector<std::pair<std::string, ServedKey>> KeySource::one_per_address() {
    Lease lease(*this);
    auto& store = lease.store();
    keystore::ListFilter filter;
    filter.locality = keystore::ListFilter::Locality::Local;
    auto keys = load(store, store.list(filter));
    auto domains = store.local_domains();
    std::map<std::string, ServedKey> chosen;
    for (const auto& key : keys) {
        for (const auto& address : key.record.addresses) {
            if (!in_local_domain(address, domains)) {
                continue;
            }
            auto preferred = store.preferred(address);
            bool is_preferred = preferred && *preferred == key.record.fingerprint;
            if (is_preferred || chosen.find(address) == chosen.end()) {
                chosen[address] = key;
            }
        }
    }
    return {chosen.begin(), chosen.end()};
}

}  // namespace sealpost::keyserver
