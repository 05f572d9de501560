// The SQLite keystore (DESIGN.md §3): one file in WAL mode, safe for several processes.
#pragma once

#include <string>

#include "keystore/sqlite/database.hpp"
#include "keystore/store.hpp"

namespace sealpost::keystore::sqlite {

class SqliteStore final : public Store {
public:
    // Opens (and with `create`, creates) the database and applies pending migrations.
    SqliteStore(const std::string& path, bool create = false);

    void transaction(const std::function<void()>& work) override;
    void put_key(const StoredKey& key) override;
    std::optional<StoredKey> get_key(const std::string& fingerprint) override;
    std::optional<KeyRecord> get_record(const std::string& fingerprint) override;
    std::vector<KeyRecord> find_by_address(const std::string& address) override;
    std::vector<KeyRecord> find_by_key_id(const std::string& key_id) override;
    std::vector<KeyRecord> list(const ListFilter& filter) override;
    std::vector<StoredKey> all_keys() override;
    bool remove_key(const std::string& fingerprint) override;
    void set_enabled(const std::string& fingerprint, bool enabled) override;
    void set_preferred(const std::string& address, const std::string& fingerprint) override;
    std::optional<std::string> preferred(const std::string& address) override;
    void set_domain_key(const std::string& domain, const std::string& fingerprint) override;
    std::optional<std::string> domain_key(const std::string& domain) override;
    std::vector<DomainKey> domain_keys() override;
    bool remove_domain_key(const std::string& domain) override;
    void set_transport_key(const std::string& ip, const std::string& fingerprint) override;
    std::optional<std::string> transport_key(const std::string& ip) override;
    std::vector<TransportKey> transport_keys() override;
    bool remove_transport_key(const std::string& ip) override;
    void add_local_domain(const std::string& domain) override;
    std::vector<std::string> local_domains() override;
    std::optional<std::string> meta(const std::string& name) override;
    void set_meta(const std::string& name, const std::string& value) override;
    void backup_to(const std::string& path) override;

    int schema_version();

private:
    void migrate();
    std::vector<KeyRecord> query_records(const std::string& where, const std::string& arg);
    std::optional<std::string> single_text(const std::string& sql, const std::string& arg);

    Database db_;
    int transaction_depth_ = 0;
};

}  // namespace sealpost::keystore::sqlite
