#include "directory/sqlite_directory.hpp"

#include <ctime>

#include "common/error.hpp"
#include "common/log.hpp"
#include "directory/password.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::directory {

namespace {

constexpr std::size_t max_display_name_length = 256;

constexpr const char* account_columns =
    "SELECT address, display_name, password_hash IS NOT NULL, created FROM accounts ";

// The keystore owns the schema: opening it once applies any pending migration, the
// directory's tables included.
const std::string& migrated(const std::string& path) {
    keystore::sqlite::SqliteStore store(path, false);
    return path;
}

std::string checked_display_name(std::string_view name) {
    if (name.size() > max_display_name_length) {
        throw Error(ErrorKind::BadInput, "a display name is at most " +
                                             std::to_string(max_display_name_length) + " bytes");
    }
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) {
            throw Error(ErrorKind::BadInput, "a display name may not hold control characters");
        }
    }
    return std::string(name);
}

Account read_account(const keystore::sqlite::Statement& row) {
    Account account;
    account.address = row.text(0);
    account.display_name = row.text(1);
    account.has_password = row.integer(2) != 0;
    account.created = row.integer(3);
    return account;
}

}  // namespace

SqliteDirectory::SqliteDirectory(const std::string& path) : db_(migrated(path), false) {
    db_.execute("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
}

void SqliteDirectory::transaction(const std::function<void()>& work) {
    db_.execute("BEGIN IMMEDIATE");
    in_transaction_ = true;
    try {
        work();
        db_.execute("COMMIT");
        in_transaction_ = false;
    } catch (...) {
        in_transaction_ = false;
        sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

// Never inside a transaction (its writes may yet roll back); otherwise forgotten whenever
// any connection committed something since they were read.
bool SqliteDirectory::answers_current() {
    if (in_transaction_) {
        return false;
    }
    if (watch_.changed() || remembered_.size() >= max_remembered) {
        remembered_.clear();
    }
    return true;
}

template <typename Answer>
Answer SqliteDirectory::remembered(std::unordered_map<std::string, Answer>& answers,
                                   const std::string& question,
                                   const std::function<Answer()>& ask) {
    if (!answers_current()) {
        return ask();
    }
    auto it = answers.find(question);
    if (it == answers.end()) {
        it = answers.emplace(question, ask()).first;
    }
    return it->second;
}

bool SqliteDirectory::exists(const std::string& sql, const std::string& arg) {
    auto& stmt = db_.cached(sql);
    stmt.bind(1, arg);
    bool found = stmt.step();
    stmt.reset();
    return found;
}

std::vector<std::string> SqliteDirectory::texts(const std::string& sql, const std::string& arg) {
    auto& stmt = db_.cached(sql);
    if (!arg.empty()) {
        stmt.bind(1, arg);
    }
    std::vector<std::string> out;
    while (stmt.step()) {
        out.push_back(stmt.text(0));
    }
    return out;
}

void SqliteDirectory::add_domain(std::string_view domain) {
    auto name = normalise_domain(domain);
    db_.cached("INSERT OR IGNORE INTO local_domains (domain) VALUES (?1)").bind(1, name).run();
    if (sqlite3_changes(db_.handle()) == 0) {
        throw Error(ErrorKind::Conflict, name + " is already a local domain");
    }
    log::info("directory", "domain-added", {{"domain", name}});
}

std::vector<std::string> SqliteDirectory::domains() {
    return texts("SELECT domain FROM local_domains ORDER BY domain");
}

void SqliteDirectory::remove_domain(std::string_view domain) {
    auto name = normalise_domain(domain);
    transaction([&] {
        auto& count = db_.cached(
            "SELECT count(*) FROM accounts WHERE substr(address, -length(?1) - 1) = '@' || ?1");
        count.bind(1, name).step();
        auto n = count.integer(0);
        count.reset();
        if (n > 0) {
            auto what = n == 1 ? " account; remove it first" : " accounts; remove them first";
            throw Error(ErrorKind::Conflict, name + " still has " + std::to_string(n) + what);
        }
        db_.cached("DELETE FROM local_domains WHERE domain = ?1").bind(1, name).run();
        if (sqlite3_changes(db_.handle()) == 0) {
            throw Error(ErrorKind::NotFound, name + " is not a local domain");
        }
    });
    log::info("directory", "domain-removed", {{"domain", name}});
}

bool SqliteDirectory::is_local(std::string_view domain) {
    std::string name;
    try {
        name = normalise_domain(domain);
    } catch (const Error&) {
        return false;
    }
    return remembered<bool>(remembered_.yes_no, "d" + name, [&] {
        return exists("SELECT 1 FROM local_domains WHERE domain = ?1", name);
    });
}

Account SqliteDirectory::add_account(std::string_view address, std::string_view display_name,
                                     const std::optional<Secret>& password) {
    Account account;
    account.address = openpgp::normalise_address(address);
    account.display_name = checked_display_name(display_name);
    account.has_password = password.has_value();
    account.created = static_cast<std::int64_t>(std::time(nullptr));
    // Hashed before the transaction: it takes a while, and needs no lock.
    std::optional<std::string> hash;
    if (password) {
        hash = hash_password(*password);
    }
    transaction([&] {
        auto domain = domain_of(account.address);
        if (!exists("SELECT 1 FROM local_domains WHERE domain = ?1", domain)) {
            throw Error(ErrorKind::BadInput,
                        "cannot add " + account.address + ": " + domain + " is not a local domain");
        }
        if (find_account(account.address)) {
            throw Error(ErrorKind::Conflict, account.address + " already has an account");
        }
        auto& insert = db_.cached(
            "INSERT INTO accounts (address, display_name, password_hash, created) "
            "VALUES (?1, ?2, ?3, ?4)");
        insert.bind(1, account.address).bind(2, account.display_name).bind(4, account.created);
        if (hash) {
            insert.bind(3, *hash);
        } else {
            insert.bind_null(3);
        }
        insert.run();
    });
    log::info("directory", "account-added",
              {{"address", account.address}, {"password", hash ? "set" : "none"}});
    return account;
}

std::vector<Account> SqliteDirectory::accounts() {
    auto& stmt = db_.cached(std::string(account_columns) + "ORDER BY address");
    std::vector<Account> out;
    while (stmt.step()) {
        out.push_back(read_account(stmt));
    }
    return out;
}

std::optional<Account> SqliteDirectory::find_account(std::string_view address) {
    auto normal = openpgp::normalise_address(address);
    return remembered<std::optional<Account>>(remembered_.accounts, "a" + normal,
                                              [&] { return query_account(normal); });
}

std::optional<Account> SqliteDirectory::query_account(const std::string& normal) {
    auto& stmt = db_.cached(std::string(account_columns) + "WHERE address = ?1");
    stmt.bind(1, normal);
    if (!stmt.step()) {
        return std::nullopt;
    }
    auto account = read_account(stmt);
    stmt.reset();
    return account;
}

void SqliteDirectory::remove_account(std::string_view address) {
    auto normal = openpgp::normalise_address(address);
    // Group memberships go with it: group_members.address cascades.
    db_.cached("DELETE FROM accounts WHERE address = ?1").bind(1, normal).run();
    if (sqlite3_changes(db_.handle()) == 0) {
        throw Error(ErrorKind::NotFound, "no account " + normal);
    }
    log::info("directory", "account-removed", {{"address", normal}});
}

void SqliteDirectory::store_hash(const std::string& address, const std::string& hash) {
    auto& update = db_.cached("UPDATE accounts SET password_hash = ?2 WHERE address = ?1");
    update.bind(1, address).bind(2, hash).run();
    if (sqlite3_changes(db_.handle()) == 0) {
        throw Error(ErrorKind::NotFound, "no account " + address);
    }
}

void SqliteDirectory::set_password(std::string_view address, const Secret& password) {
    auto normal = openpgp::normalise_address(address);
    store_hash(normal, hash_password(password));
    log::info("directory", "password-changed", {{"address", normal}});
}

std::optional<std::string> SqliteDirectory::password_hash(const std::string& address) {
    auto& stmt = db_.cached(
        "SELECT password_hash FROM accounts WHERE address = ?1 AND password_hash IS NOT NULL");
    stmt.bind(1, address);
    if (!stmt.step()) {
        return std::nullopt;
    }
    auto hash = stmt.text(0);
    stmt.reset();
    return hash;
}

bool SqliteDirectory::verify_password(std::string_view address, const Secret& password) {
    std::optional<std::string> hash;
    std::string normal;
    try {
        normal = openpgp::normalise_address(address);
        hash = password_hash(normal);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::BadInput) {
            throw;
        }
    }
    if (!hash) {
        return verify_against_nothing(password);
    }
    if (!password_matches(*hash, password)) {
        return false;
    }
    if (needs_rehash(*hash)) {  // the limits were raised since this hash was made
        store_hash(normal, hash_password(password));
        log::info("directory", "password-rehashed", {{"address", normal}});
    }
    return true;
}

void SqliteDirectory::add_member(std::string_view group, std::string_view address) {
    auto name = normalise_group(group);
    auto normal = openpgp::normalise_address(address);
    transaction([&] {
        if (!find_account(normal)) {
            throw Error(ErrorKind::NotFound,
                        "no account " + normal + " (only accounts can be group members)");
        }
        auto& insert =
            db_.cached("INSERT OR IGNORE INTO group_members (group_name, address) VALUES (?1, ?2)");
        insert.bind(1, name).bind(2, normal).run();
        if (sqlite3_changes(db_.handle()) == 0) {
            throw Error(ErrorKind::Conflict, normal + " is already in group " + name);
        }
    });
    log::info("directory", "group-member-added", {{"group", name}, {"address", normal}});
}

void SqliteDirectory::remove_member(std::string_view group, std::string_view address) {
    auto name = normalise_group(group);
    auto normal = openpgp::normalise_address(address);
    auto& remove = db_.cached("DELETE FROM group_members WHERE group_name = ?1 AND address = ?2");
    remove.bind(1, name).bind(2, normal).run();
    if (sqlite3_changes(db_.handle()) == 0) {
        throw Error(ErrorKind::NotFound, normal + " is not in group " + name);
    }
    log::info("directory", "group-member-removed", {{"group", name}, {"address", normal}});
}

std::vector<std::string> SqliteDirectory::groups() {
    return texts("SELECT DISTINCT group_name FROM group_members ORDER BY group_name");
}

std::vector<std::string> SqliteDirectory::members(std::string_view group) {
    return texts("SELECT address FROM group_members WHERE group_name = ?1 ORDER BY address",
                 normalise_group(group));
}

bool SqliteDirectory::is_member(std::string_view group, std::string_view address) {
    std::string name;
    std::string normal;
    try {
        name = normalise_group(group);
        normal = openpgp::normalise_address(address);
    } catch (const Error&) {
        return false;
    }
    return remembered<bool>(remembered_.yes_no, "m" + name + "\n" + normal, [&] {
        auto& stmt =
            db_.cached("SELECT 1 FROM group_members WHERE group_name = ?1 AND address = ?2");
        stmt.bind(1, name).bind(2, normal);
        bool found = stmt.step();
        stmt.reset();
        return found;
    });
}

}  // namespace sealpost::directory
