// The directory kept in the keystore's SQLite database (DESIGN.md §3): tables local_domains
// (shared with the keystore, which marks keys in these domains local), accounts and
// group_members (schema version 2, keystore/sqlite/schema.hpp).
//
// Mail asks the same few questions for every message (is this domain ours, is this sender an
// account, is she in that group), so their answers are remembered on the connection, up to a
// bound, while nothing changed the database (keystore::sqlite::ChangeWatch): a domain, account
// or membership removed by `sealpost` in another process is not answered from memory once
// the change is committed. Inside a transaction the database is always asked.
// LIMITATION: the directory has a connection of its own beside the keystore's on the same
// file, so each message asks PRAGMA data_version twice (about 2 us each at 4 KiB, measured
// with perf); sharing one connection and one ChangeWatch would halve it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "directory/directory.hpp"
#include "keystore/sqlite/change_watch.hpp"
#include "keystore/sqlite/database.hpp"

namespace sealpost::directory {

class SqliteDirectory final : public Directory {
public:
    // Opens the existing keystore database at `path` on a connection of its own, applying
    // pending keystore migrations first. Throws Error(NotFound) when there is no database.
    explicit SqliteDirectory(const std::string& path);

    void add_domain(std::string_view domain) override;
    std::vector<std::string> domains() override;
    void remove_domain(std::string_view domain) override;
    bool is_local(std::string_view domain) override;

    Account add_account(std::string_view address, std::string_view display_name,
                        const std::optional<Secret>& password) override;
    std::vector<Account> accounts() override;
    std::optional<Account> find_account(std::string_view address) override;
    void remove_account(std::string_view address) override;
    void set_password(std::string_view address, const Secret& password) override;
    bool verify_password(std::string_view address, const Secret& password) override;

    void add_member(std::string_view group, std::string_view address) override;
    void remove_member(std::string_view group, std::string_view address) override;
    std::vector<std::string> groups() override;
    std::vector<std::string> members(std::string_view group) override;
    bool is_member(std::string_view group, std::string_view address) override;
    void hold_lookups(bool hold) override { watch_.hold(hold); }

    // How many answers are remembered now (for tests).
    std::size_t remembered_answers() const { return remembered_.size(); }

private:
    // Answers by question: 'd' + domain, 'a' + address, 'm' + group + '\n' + address.
    struct Remembered {
        std::unordered_map<std::string, bool> yes_no;
        std::unordered_map<std::string, std::optional<Account>> accounts;
        std::size_t size() const { return yes_no.size() + accounts.size(); }
        void clear() {
            yes_no.clear();
            accounts.clear();
        }
    };
    static constexpr std::size_t max_remembered = 4096;

    bool answers_current();
    // The remembered answer to `question`, asked of the database (and remembered) if none is.
    template <typename Answer>
    Answer remembered(std::unordered_map<std::string, Answer>& answers, const std::string& question,
                      const std::function<Answer()>& ask);
    std::optional<Account> query_account(const std::string& normal);
    void transaction(const std::function<void()>& work);
    bool exists(const std::string& sql, const std::string& arg);
    std::optional<std::string> password_hash(const std::string& address);
    void store_hash(const std::string& address, const std::string& hash);
    std::vector<std::string> texts(const std::string& sql, const std::string& arg = {});

    keystore::sqlite::Database db_;
    keystore::sqlite::ChangeWatch watch_{db_};
    Remembered remembered_;
    bool in_transaction_ = false;
};

}  // namespace sealpost::directory
