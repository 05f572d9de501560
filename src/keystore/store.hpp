// The keystore interface: keys as OpenPGP packets plus the metadata of DESIGN.md §4, domain
// and transport keys, local domains. Backends: sqlite/ (default), later postgres/. A Store
// is used from one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace sealpost::keystore {

enum class Origin { Generated, Imported, AutoImported, Pka, Wkd, Dane, Rkey, Autocrypt };
const char* to_string(Origin origin);
Origin parse_origin(const std::string& name);  // throws Error(BadInput)

struct KeyRecord {
    std::string fingerprint;
    std::string key_id;
    std::vector<std::string> user_ids;
    std::vector<std::string> addresses;
    std::vector<std::string> subkey_ids;
    std::string algorithm;
    std::uint32_t bits = 0;
    std::int64_t created = 0;
    std::int64_t expires = 0;  // 0 = never
    bool revoked = false;
    bool has_secret = false;
    bool can_encrypt = false;
    bool can_sign = false;
    bool enabled = true;
    bool local = false;  // computed: has a secret part or an address in a local domain
    Origin origin = Origin::Imported;
    std::int64_t cache_until = 0;  // fetched keys: when the cache entry ends; 0 = kept
    std::int64_t added = 0;
    std::int64_t updated = 0;

    bool expired_at(std::int64_t now) const { return expires != 0 && expires <= now; }
};

struct StoredKey {
    KeyRecord record;
    std::string public_packets;  // binary transferable public key
    std::string secret_packets;  // binary transferable secret key under the master passphrase,
                                 // empty when we hold only the public key
};

struct ListFilter {
    enum class Locality { Any, Local, Remote } locality = Locality::Any;
    std::string text;  // matched against fingerprint, key ID, user IDs (case-insensitive)
};

struct DomainKey {
    std::string domain;
    std::string fingerprint;
};

struct TransportKey {
    std::string ip;
    std::string fingerprint;
};

class Store {
public:
    virtual ~Store() = default;

    // Runs `work` in one transaction: everything it did is committed, or (on exception)
    // nothing is.
    virtual void transaction(const std::function<void()>& work) = 0;

    // Inserts the key or replaces the stored one with the same fingerprint (the caller has
    // merged the packets). `added` of an existing key is kept.
    virtual void put_key(const StoredKey& key) = 0;
    virtual std::optional<StoredKey> get_key(const std::string& fingerprint) = 0;
    virtual std::optional<KeyRecord> get_record(const std::string& fingerprint) = 0;
    virtual std::vector<KeyRecord> find_by_address(const std::string& address) = 0;
    // Keys whose primary key or a subkey has this 16-hex key ID.
    virtual std::vector<KeyRecord> find_by_key_id(const std::string& key_id) = 0;
    virtual std::vector<KeyRecord> list(const ListFilter& filter) = 0;
    virtual std::vector<StoredKey> all_keys() = 0;
    virtual bool remove_key(const std::string& fingerprint) = 0;
    virtual void set_enabled(const std::string& fingerprint, bool enabled) = 0;

    virtual void set_preferred(const std::string& address, const std::string& fingerprint) = 0;
    virtual std::optional<std::string> preferred(const std::string& address) = 0;

    virtual void set_domain_key(const std::string& domain, const std::string& fingerprint) = 0;
    virtual std::optional<std::string> domain_key(const std::string& domain) = 0;
    virtual std::vector<DomainKey> domain_keys() = 0;
    virtual bool remove_domain_key(const std::string& domain) = 0;

    virtual void set_transport_key(const std::string& ip, const std::string& fingerprint) = 0;
    virtual std::optional<std::string> transport_key(const std::string& ip) = 0;
    virtual std::vector<TransportKey> transport_keys() = 0;
    virtual bool remove_transport_key(const std::string& ip) = 0;

    virtual void add_local_domain(const std::string& domain) = 0;
    virtual std::vector<std::string> local_domains() = 0;

    virtual std::optional<std::string> meta(const std::string& name) = 0;
    virtual void set_meta(const std::string& name, const std::string& value) = 0;

    // A consistent copy of the whole store at `path`, taken while others may write.
    virtual void backup_to(const std::string& path) = 0;

    // While held (one message's processing), answers the store remembers are checked against
    // other connections' commits once, at the first lookup, not at every one; this
    // connection's own writes still make it forget them. A store that remembers nothing
    // ignores it. Use LookupHold (common/lookup_hold.hpp) rather than calling it directly.
    virtual void hold_lookups(bool hold) { (void)hold; }
};

}  // namespace sealpost::keystore
