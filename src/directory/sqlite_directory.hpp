// The directory kept in the keystore's SQLite database (DESIGN.md §3): tables local_domains
// (shared with the keystore, which marks keys in these domains local), accounts and
// group_members (schema version 2, keystore/sqlite/schema.hpp).
#pragma once

#include <functional>
#include <string>

#include "directory/directory.hpp"
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

private:
    void transaction(const std::function<void()>& work);
    bool exists(const std::string& sql, const std::string& arg);
    std::optional<std::string> password_hash(const std::string& address);
    void store_hash(const std::string& address, const std::string& hash);
    std::vector<std::string> texts(const std::string& sql, const std::string& arg = {});

    keystore::sqlite::Database db_;
};

}  // namespace sealpost::directory
