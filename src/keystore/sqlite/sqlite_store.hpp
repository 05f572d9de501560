// The SQLite keystore (DESIGN.md §3): one file in WAL mode, safe for several processes.
//
// Key lookups (find_by_address, find_by_key_id, get_record, preferred, domain_key) answer
// from a per-connection LookupCache while the database is unchanged. Every lookup first asks
// SQLite whether anything changed: PRAGMA data_version for commits of other connections (other
// workers, `sealpost keys` in another process), sqlite3_total_changes64 for writes of this
// one. So a key deleted, disabled or changed is never returned once the change is committed,
// and a lookup inside a transaction always reads the database (it sees its own writes, and a
// rollback leaves nothing remembered).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "keystore/sqlite/change_watch.hpp"
#include "keystore/sqlite/database.hpp"
#include "keystore/sqlite/lookup_cache.hpp"
#include "keystore/store.hpp"

namespace sealpost::keystore::sqlite {

class SqliteStore final : public Store {
public:
    // Opens (and with `create`, creates) the database and applies pending migrations.
    SqliteStore(const std::string& path, bool create = false);

    void transaction(const std::function<void()>& work) override;
    void hold_lookups(bool hold) override { watch_.hold(hold); }
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

    // How many lookup answers are remembered now (for tests and benchmarks).
    std::size_t remembered_lookups() const { return lookups_.size(); }

private:
    using Question = LookupCache::Question;
    bool lookups_current();
    std::vector<KeyRecord> remembered_records(Question question, const std::string& subject,
                                              const std::function<std::vector<KeyRecord>()>& ask);
    std::optional<std::string> remembered_fingerprint(
        Question question, const std::string& subject,
        const std::function<std::optional<std::string>()>& ask);

    void migrate();
    std::vector<KeyRecord> query_records(const std::string& where, const std::string& arg);
    std::optional<std::string> single_text(const std::string& sql, const std::string& arg);

    Database db_;
    int transaction_depth_ = 0;
    LookupCache lookups_;
    ChangeWatch watch_{db_};
};

}  // namespace sealpost::keystore::sqlite
