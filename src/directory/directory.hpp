// The directory (DESIGN.md §2): the organisation's local domains, its accounts (with an optional
// password for SMTP AUTH) and groups of accounts for rules.txt's GROUP:name. Backend: SQLite in
// the keystore's database (sqlite_directory.hpp). A Directory is used from one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.hpp"

namespace sealpost::directory {

struct Account {
    std::string address;       // normalised: trimmed, lower-case
    std::string display_name;  // may be empty
    bool has_password = false;
    std::int64_t created = 0;  // seconds since the epoch
};

// Names as the directory stores them. Each throws Error(BadInput) for something that is not
// a domain, an address or a group name.
std::string normalise_domain(std::string_view domain);
std::string normalise_group(std::string_view group);  // ASCII lower-case, rules.txt's bytes
std::string domain_of(std::string_view normalised_address);

// Every method takes names as a user typed them and normalises them first. Changes are
// logged (component `directory`, one line each). Expected failures throw sealpost::Error:
// BadInput (malformed name, display name or password), NotFound (no such domain, account or
// membership), Conflict (it exists already, or a domain still has accounts), Temporary (the
// database is busy).
class Directory {
public:
    virtual ~Directory() = default;

    virtual void add_domain(std::string_view domain) = 0;
    virtual std::vector<std::string> domains() = 0;
    // Refused (Conflict) while the domain has accounts. Keys with addresses there stay, and
    // become remote.
    virtual void remove_domain(std::string_view domain) = 0;
    // False for anything that is not a local domain, malformed input included; never throws
    // BadInput.
    virtual bool is_local(std::string_view domain) = 0;

    // The address's domain must be a local domain. Only an Argon2id hash of the password is
    // kept (password.hpp).
    virtual Account add_account(std::string_view address, std::string_view display_name,
                                const std::optional<Secret>& password) = 0;
    virtual std::vector<Account> accounts() = 0;  // ordered by address
    virtual std::optional<Account> find_account(std::string_view address) = 0;
    // Removes the account and its group memberships; its keys stay in the keystore.
    virtual void remove_account(std::string_view address) = 0;
    virtual void set_password(std::string_view address, const Secret& password) = 0;
    // True only for an existing account with a password that matches. Takes about as long for
    // an unknown address as for a known one, so timing does not tell which accounts exist.
    virtual bool verify_password(std::string_view address, const Secret& password) = 0;

    // Only accounts can be members; a group exists while it has members.
    virtual void add_member(std::string_view group, std::string_view address) = 0;
    virtual void remove_member(std::string_view group, std::string_view address) = 0;
    virtual std::vector<std::string> groups() = 0;                         // ordered by name
    virtual std::vector<std::string> members(std::string_view group) = 0;  // ordered; may be empty
    // For policy::GroupMembership: false for malformed input; never throws BadInput.
    virtual bool is_member(std::string_view group, std::string_view address) = 0;

    // While held (one message's processing), the answers of is_local, find_account and
    // is_member a directory remembers are checked against other connections' changes once,
    // at the first question; its own changes are seen at once. One that remembers nothing
    // ignores it. Use LookupHold (common/lookup_hold.hpp).
    virtual void hold_lookups(bool hold) { (void)hold; }
};

}  // namespace sealpost::directory
