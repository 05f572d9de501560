#include "keystore/sqlite/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "keystore/sqlite/schema.hpp"

namespace sealpost::keystore::sqlite {

namespace {

// Every query that reads a KeyRecord selects these columns in this order.
constexpr const char* record_columns =
    "k.fingerprint, k.key_id, k.user_ids, k.algorithm, k.bits, k.created, k.expires, k.revoked, "
    "k.secret_packets IS NOT NULL, k.can_encrypt, k.can_sign, k.enabled, k.origin, "
    "k.cache_until, k.added, k.updated, "
    "(k.secret_packets IS NOT NULL OR EXISTS (SELECT 1 FROM key_addresses a JOIN local_domains d "
    "ON a.domain = d.domain WHERE a.fingerprint = k.fingerprint)), "
    // Addresses and subkey IDs in the same row: one query per lookup, not three.
    "(SELECT group_concat(address, ' ') FROM (SELECT address FROM key_addresses a "
    "WHERE a.fingerprint = k.fingerprint ORDER BY address)), "
    "(SELECT group_concat(key_id, ' ') FROM (SELECT key_id FROM key_ids i "
    "WHERE i.fingerprint = k.fingerprint AND i.key_id <> k.key_id ORDER BY key_id)) ";

std::string domain_of(const std::string& address) {
    auto at = address.rfind('@');
    return at == std::string::npos ? std::string() : address.substr(at + 1);
}

// Addresses and key IDs hold no spaces, so a space-joined list splits back exactly.
std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find(' ', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            words.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return words;
}

KeyRecord read_record(const Statement& row) {
    KeyRecord r;
    r.fingerprint = row.text(0);
    r.key_id = row.text(1);
    r.user_ids = nlohmann::json::parse(row.text(2)).get<std::vector<std::string>>();
    r.algorithm = row.text(3);
    r.bits = static_cast<std::uint32_t>(row.integer(4));
    r.created = row.integer(5);
    r.expires = row.integer(6);
    r.revoked = row.integer(7) != 0;
    r.has_secret = row.integer(8) != 0;
    r.can_encrypt = row.integer(9) != 0;
    r.can_sign = row.integer(10) != 0;
    r.enabled = row.integer(11) != 0;
    r.origin = parse_origin(row.text(12));
    r.cache_until = row.integer(13);
    r.added = row.integer(14);
    r.updated = row.integer(15);
    r.local = row.integer(16) != 0;
    r.addresses = split_words(row.text(17));
    r.subkey_ids = split_words(row.text(18));
    return r;
}

}  // namespace

SqliteStore::SqliteStore(const std::string& path, bool create) : db_(path, create) {
    db_.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
    migrate();
}

int SqliteStore::schema_version() {
    auto stmt = db_.prepare("PRAGMA user_version");
    stmt->step();
    return static_cast<int>(stmt->integer(0));
}

void SqliteStore::migrate() {
    int version = schema_version();
    if (version > static_cast<int>(migrations.size())) {
        throw Error(ErrorKind::BadInput, "the keystore has schema version " +
                                             std::to_string(version) +
                                             ", newer than this Sealpost knows; upgrade Sealpost");
    }
    for (auto v = static_cast<std::size_t>(version); v < migrations.size(); ++v) {
        transaction([&] {
            db_.execute(migrations[v]);
            db_.execute("PRAGMA user_version = " + std::to_string(v + 1));
        });
    }
}

void SqliteStore::transaction(const std::function<void()>& work) {
    if (transaction_depth_ > 0) {  // nested: part of the outer transaction
        ++transaction_depth_;
        try {
            work();
        } catch (...) {
            --transaction_depth_;
            throw;
        }
        --transaction_depth_;
        return;
    }
    db_.execute("BEGIN IMMEDIATE");
    transaction_depth_ = 1;
    try {
        work();
        db_.execute("COMMIT");
        transaction_depth_ = 0;
        lookups_.clear();
    } catch (...) {
        transaction_depth_ = 0;
        lookups_.clear();
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

// Whether remembered answers are still the database's: never inside a transaction (its
// writes may yet roll back), and only while no connection changed anything since they were
// read (ChangeWatch).
// LIMITATION: any write to the database file forgets every remembered answer, so a store
// written to all the time (bulk imports, many fetched keys) gains little from remembering.
bool SqliteStore::lookups_current() {
    if (transaction_depth_ > 0) {
        return false;
    }
    if (watch_.changed()) {
        lookups_.clear();
    }
    return true;
}

std::vector<KeyRecord> SqliteStore::remembered_records(
    Question question, const std::string& subject,
    const std::function<std::vector<KeyRecord>()>& ask) {
    if (!lookups_current()) {
        return ask();
    }
    if (const auto* known = lookups_.records(question, subject)) {
        return *known;
    }
    auto answer = ask();
    lookups_.remember(question, subject, answer);
    return answer;
}

std::optional<std::string> SqliteStore::remembered_fingerprint(
    Question question, const std::string& subject,
    const std::function<std::optional<std::string>()>& ask) {
    if (!lookups_current()) {
        return ask();
    }
    if (const auto* known = lookups_.fingerprint(question, subject)) {
        return *known;
    }
    auto answer = ask();
    lookups_.remember(question, subject, answer);
    return answer;
}

void SqliteStore::put_key(const StoredKey& key) {
    const auto& r = key.record;
    transaction([&] {
        auto& upsert = db_.cached(
            "INSERT INTO keys (fingerprint, key_id, public_packets, secret_packets, user_ids, "
            "algorithm, bits, created, expires, revoked, can_encrypt, can_sign, enabled, origin, "
            "cache_until, added, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
            "?12, ?13, ?14, ?15, ?16, ?17) ON CONFLICT (fingerprint) DO UPDATE SET "
            "key_id = excluded.key_id, public_packets = excluded.public_packets, "
            "secret_packets = excluded.secret_packets, user_ids = excluded.user_ids, "
            "algorithm = excluded.algorithm, bits = excluded.bits, created = excluded.created, "
            "expires = excluded.expires, revoked = excluded.revoked, "
            "can_encrypt = excluded.can_encrypt, can_sign = excluded.can_sign, "
            "enabled = excluded.enabled, origin = excluded.origin, "
            "cache_until = excluded.cache_until, updated = excluded.updated");
        upsert.bind(1, r.fingerprint).bind(2, r.key_id).bind_blob(3, key.public_packets);
        if (key.secret_packets.empty()) {
            upsert.bind_null(4);
        } else {
            upsert.bind_blob(4, key.secret_packets);
        }
        upsert.bind(5, nlohmann::json(r.user_ids).dump()).bind(6, r.algorithm);
        upsert.bind(7, std::int64_t{r.bits}).bind(8, r.created).bind(9, r.expires);
        upsert.bind(10, std::int64_t{r.revoked}).bind(11, std::int64_t{r.can_encrypt});
        upsert.bind(12, std::int64_t{r.can_sign}).bind(13, std::int64_t{r.enabled});
        upsert.bind(14, to_string(r.origin)).bind(15, r.cache_until).bind(16, r.added);
        upsert.bind(17, r.updated);
        upsert.run();

        auto& clear = db_.cached("DELETE FROM key_addresses WHERE fingerprint = ?1");
        clear.bind(1, r.fingerprint).run();
        db_.cached("DELETE FROM key_ids WHERE fingerprint = ?1").bind(1, r.fingerprint).run();
        auto& add_id =
            db_.cached("INSERT OR IGNORE INTO key_ids (key_id, fingerprint) VALUES (?1, ?2)");
        add_id.bind(1, r.key_id).bind(2, r.fingerprint).run();
        for (const auto& id : r.subkey_ids) {
            add_id.reset();
            add_id.bind(1, id).bind(2, r.fingerprint).run();
        }
        auto& add = db_.cached(
            "INSERT OR IGNORE INTO key_addresses (address, domain, fingerprint) VALUES (?1, ?2, "
            "?3)");
        for (const auto& address : r.addresses) {
            add.reset();
            add.bind(1, address).bind(2, domain_of(address)).bind(3, r.fingerprint).run();
        }
    });
}

std::optional<StoredKey> SqliteStore::get_key(const std::string& fingerprint) {
    auto record = get_record(fingerprint);
    if (!record) {
        return std::nullopt;
    }
    auto& stmt =
        db_.cached("SELECT public_packets, secret_packets FROM keys WHERE fingerprint = ?1");
    ResetAtExit done(stmt);
    stmt.bind(1, fingerprint);
    if (!stmt.step()) {
        return std::nullopt;
    }
    StoredKey key;
    key.public_packets = stmt.blob(0);
    key.secret_packets = stmt.is_null(1) ? std::string() : stmt.blob(1);
    key.record = std::move(*record);
    return key;
}

std::vector<KeyRecord> SqliteStore::query_records(const std::string& where,
                                                  const std::string& arg) {
    auto& stmt = db_.cached(std::string("SELECT ") + record_columns + "FROM keys k " + where);
    ResetAtExit done(stmt);
    if (!arg.empty()) {
        stmt.bind(1, arg);
    }
    std::vector<KeyRecord> records;
    while (stmt.step()) {
        records.push_back(read_record(stmt));
    }
    return records;
}

std::optional<KeyRecord> SqliteStore::get_record(const std::string& fingerprint) {
    auto records = remembered_records(Question::Record, fingerprint, [&] {
        return query_records("WHERE k.fingerprint = ?1", fingerprint);
    });
    if (records.empty()) {
        return std::nullopt;
    }
    return std::move(records.front());
}

std::vector<KeyRecord> SqliteStore::find_by_address(const std::string& address) {
    return remembered_records(Question::KeysOfAddress, address, [&] {
        return query_records(
            "JOIN key_addresses x ON x.fingerprint = k.fingerprint WHERE x.address = ?1 "
            "ORDER BY k.added, k.fingerprint",
            address);
    });
}

std::vector<KeyRecord> SqliteStore::find_by_key_id(const std::string& key_id) {
    return remembered_records(Question::KeysOfKeyId, key_id, [&] {
        return query_records(
            "WHERE k.fingerprint IN (SELECT fingerprint FROM key_ids WHERE key_id = ?1) "
            "ORDER BY k.added",
            key_id);
    });
}

std::vector<KeyRecord> SqliteStore::list(const ListFilter& filter) {
    auto records = query_records("ORDER BY k.added, k.fingerprint", "");
    std::vector<KeyRecord> out;
    auto lower = [](std::string s) {
        for (auto& c : s)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    auto needle = lower(filter.text);
    for (auto& r : records) {
        if ((filter.locality == ListFilter::Locality::Local && !r.local) ||
            (filter.locality == ListFilter::Locality::Remote && r.local)) {
            continue;
        }
        bool match = needle.empty() || lower(r.fingerprint).find(needle) != std::string::npos;
        for (const auto& uid : r.user_ids) {
            match = match || lower(uid).find(needle) != std::string::npos;
        }
        if (match) {
            out.push_back(std::move(r));
        }
    }
    return out;
}

std::vector<StoredKey> SqliteStore::all_keys() {
    std::vector<StoredKey> keys;
    for (auto& record : query_records("ORDER BY k.added, k.fingerprint", "")) {
        if (auto key = get_key(record.fingerprint)) {
            keys.push_back(std::move(*key));
        }
    }
    return keys;
}

bool SqliteStore::remove_key(const std::string& fingerprint) {
    auto& stmt = db_.cached("DELETE FROM keys WHERE fingerprint = ?1");
    stmt.bind(1, fingerprint).run();
    return sqlite3_changes(db_.handle()) > 0;
}

void SqliteStore::set_enabled(const std::string& fingerprint, bool enabled) {
    auto& stmt = db_.cached(
        "UPDATE keys SET enabled = ?2, updated = strftime('%s','now') "
        "WHERE fingerprint = ?1");
    stmt.bind(1, fingerprint).bind(2, std::int64_t{enabled}).run();
}

std::optional<std::string> SqliteStore::single_text(const std::string& sql,
                                                    const std::string& arg) {
    auto& stmt = db_.cached(sql);
    ResetAtExit done(stmt);
    stmt.bind(1, arg);
    if (!stmt.step()) {
        return std::nullopt;
    }
    return stmt.text(0);
}

void SqliteStore::set_preferred(const std::string& address, const std::string& fingerprint) {
    auto& stmt = db_.cached(
        "INSERT INTO preferred_keys (address, fingerprint) VALUES (?1, ?2) "
        "ON CONFLICT (address) DO UPDATE SET fingerprint = excluded.fingerprint");
    stmt.bind(1, address).bind(2, fingerprint).run();
}

std::optional<std::string> SqliteStore::preferred(const std::string& address) {
    return remembered_fingerprint(Question::PreferredKey, address, [&] {
        return single_text("SELECT fingerprint FROM preferred_keys WHERE address = ?1", address);
    });
}

void SqliteStore::set_domain_key(const std::string& domain, const std::string& fingerprint) {
    auto& stmt = db_.cached(
        "INSERT INTO domain_keys (domain, fingerprint) VALUES (?1, ?2) "
        "ON CONFLICT (domain) DO UPDATE SET fingerprint = excluded.fingerprint");
    stmt.bind(1, domain).bind(2, fingerprint).run();
}

std::optional<std::string> SqliteStore::domain_key(const std::string& domain) {
    return remembered_fingerprint(Question::DomainKey, domain, [&] {
        return single_text("SELECT fingerprint FROM domain_keys WHERE domain = ?1", domain);
    });
}

std::vector<DomainKey> SqliteStore::domain_keys() {
    auto& stmt = db_.cached("SELECT domain, fingerprint FROM domain_keys ORDER BY domain");
    std::vector<DomainKey> out;
    while (stmt.step()) {
        out.push_back({stmt.text(0), stmt.text(1)});
    }
    return out;
}

bool SqliteStore::remove_domain_key(const std::string& domain) {
    db_.cached("DELETE FROM domain_keys WHERE domain = ?1").bind(1, domain).run();
    return sqlite3_changes(db_.handle()) > 0;
}

void SqliteStore::set_transport_key(const std::string& ip, const std::string& fingerprint) {
    auto& stmt = db_.cached(
        "INSERT INTO transport_keys (ip, fingerprint) VALUES (?1, ?2) "
        "ON CONFLICT (ip) DO UPDATE SET fingerprint = excluded.fingerprint");
    stmt.bind(1, ip).bind(2, fingerprint).run();
}

std::optional<std::string> SqliteStore::transport_key(const std::string& ip) {
    return single_text("SELECT fingerprint FROM transport_keys WHERE ip = ?1", ip);
}

std::vector<TransportKey> SqliteStore::transport_keys() {
    auto& stmt = db_.cached("SELECT ip, fingerprint FROM transport_keys ORDER BY ip");
    std::vector<TransportKey> out;
    while (stmt.step()) {
        out.push_back({stmt.text(0), stmt.text(1)});
    }
    return out;
}

bool SqliteStore::remove_transport_key(const std::string& ip) {
    db_.cached("DELETE FROM transport_keys WHERE ip = ?1").bind(1, ip).run();
    return sqlite3_changes(db_.handle()) > 0;
}

void SqliteStore::add_local_domain(const std::string& domain) {
    db_.cached("INSERT OR IGNORE INTO local_domains (domain) VALUES (?1)").bind(1, domain).run();
}

std::vector<std::string> SqliteStore::local_domains() {
    auto& stmt = db_.cached("SELECT domain FROM local_domains ORDER BY domain");
    std::vector<std::string> out;
    while (stmt.step()) {
        out.push_back(stmt.text(0));
    }
    return out;
}

std::optional<std::string> SqliteStore::meta(const std::string& name) {
    return single_text("SELECT value FROM meta WHERE name = ?1", name);
}

void SqliteStore::set_meta(const std::string& name, const std::string& value) {
    auto& stmt = db_.cached(
        "INSERT INTO meta (name, value) VALUES (?1, ?2) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
    stmt.bind(1, name).bind(2, value).run();
}

void SqliteStore::backup_to(const std::string& path) {
    Database target(path, true);
    sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", db_.handle(), "main");
    if (backup == nullptr) {
        fail(target.handle(), sqlite3_errcode(target.handle()), "start backup");
    }
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        fail(target.handle(), rc, "copy keystore");
    }
}

}  // namespace sealpost::keystore::sqlite
