// sealpost domains ... and sealpost users ...: the directory of local domains, accounts and
// groups (DESIGN.md §2). A password is read from a file or standard input, never from the
// command line, where `ps` would show it.
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/context.hpp"
#include "app/key_format.hpp"
#include "common/error.hpp"

namespace sealpost::app {

namespace {

std::string account_line(const directory::Account& account) {
    std::string line = account.address + "  " + (account.has_password ? "password" : "-") + "  " +
                       format_time(account.created);
    if (!account.display_name.empty()) {
        line += "  " + account.display_name;
    }
    return line;
}

nlohmann::json account_json(const directory::Account& account) {
    return {
        {"address", account.address},
        {"display_name", account.display_name},
        {"has_password", account.has_password},
        {"created", account.created},
    };
}

void add_domains(CLI::App& app, Context& context) {
    auto* group = app.add_subcommand("domains", "local domains: whose mail is ours");
    group->require_subcommand(1);
    auto domain = std::make_shared<std::string>();

    auto* add = group->add_subcommand("add", "make DOMAIN a local domain");
    add->add_option("domain", *domain)->required();
    add->callback([&context, domain] { context.directory().add_domain(*domain); });

    group->add_subcommand("list", "list local domains")->callback([&context] {
        for (const auto& name : context.directory().domains()) {
            std::cout << name << '\n';
        }
    });

    auto* remove = group->add_subcommand("remove", "DOMAIN is no longer local (no accounts left)");
    remove->add_option("domain", *domain)->required();
    remove->callback([&context, domain] { context.directory().remove_domain(*domain); });
}

void add_user_add(CLI::App& users, Context& context) {
    auto* cmd = users.add_subcommand("add", "add an account in a local domain");
    auto address = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto password_file = std::make_shared<std::string>();
    cmd->add_option("address", *address)->required();
    cmd->add_option("--name", *name, "display name");
    cmd->add_option("--password-file", *password_file,
                    "file whose first line is the password for SMTP AUTH (- = standard input)");
    cmd->callback([&context, address, name, password_file] {
        std::optional<Secret> password;
        if (!password_file->empty()) {
            password = read_passphrase_option(*password_file);
        }
        context.directory().add_account(*address, *name, password);
    });
}

void add_user_list(CLI::App& users, Context& context) {
    auto* cmd = users.add_subcommand("list", "list accounts");
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "print JSON");
    cmd->callback([&context, json] {
        auto accounts = context.directory().accounts();
        if (*json) {
            auto out = nlohmann::json::array();
            for (const auto& account : accounts) {
                out.push_back(account_json(account));
            }
            std::cout << out.dump(2) << '\n';
            return;
        }
        for (const auto& account : accounts) {
            std::cout << account_line(account) << '\n';
        }
        std::cout << accounts.size() << (accounts.size() == 1 ? " account\n" : " accounts\n");
    });
}

void add_user_remove(CLI::App& users, Context& context) {
    auto* cmd = users.add_subcommand("remove", "remove an account and its group memberships");
    auto address = std::make_shared<std::string>();
    cmd->add_option("address", *address)->required();
    cmd->callback([&context, address] { context.directory().remove_account(*address); });
}

void add_user_passwd(CLI::App& users, Context& context) {
    auto* cmd = users.add_subcommand("passwd", "set an account's password");
    auto address = std::make_shared<std::string>();
    auto password_file = std::make_shared<std::string>();
    cmd->add_option("address", *address)->required();
    cmd->add_option("--password-file", *password_file,
                    "file whose first line is the password (- = standard input)")
        ->required();
    cmd->callback([&context, address, password_file] {
        context.directory().set_password(*address, read_passphrase_option(*password_file));
    });
}

void list_groups(directory::Directory& directory, const std::string& group) {
    if (!group.empty()) {
        auto members = directory.members(group);
        if (members.empty()) {
            throw Error(ErrorKind::NotFound, "no group " + directory::normalise_group(group));
        }
        for (const auto& address : members) {
            std::cout << address << '\n';
        }
        return;
    }
    for (const auto& name : directory.groups()) {
        auto count = directory.members(name).size();
        std::cout << name << "  " << count << (count == 1 ? " member\n" : " members\n");
    }
}

void add_user_groups(CLI::App& users, Context& context) {
    auto* group = users.add_subcommand("group", "groups of accounts, for GROUP:name in rules.txt");
    group->require_subcommand(1);
    auto name = std::make_shared<std::string>();
    auto address = std::make_shared<std::string>();

    auto* add = group->add_subcommand("add", "put account ADDRESS into GROUP");
    add->add_option("group", *name)->required();
    add->add_option("address", *address)->required();
    add->callback([&context, name, address] { context.directory().add_member(*name, *address); });

    auto* remove = group->add_subcommand("remove", "take account ADDRESS out of GROUP");
    remove->add_option("group", *name)->required();
    remove->add_option("address", *address)->required();
    remove->callback(
        [&context, name, address] { context.directory().remove_member(*name, *address); });

    auto* list = group->add_subcommand("list", "list groups, or the members of GROUP");
    list->add_option("group", *name);
    list->callback([&context, name] { list_groups(context.directory(), *name); });
}

}  // namespace

void add_directory_commands(CLI::App& app, Context& context) {
    add_domains(app, context);
    auto* users = app.add_subcommand("users", "accounts of local users and their groups");
    users->require_subcommand(1);
    add_user_add(*users, context);
    add_user_list(*users, context);
    add_user_remove(*users, context);
    add_user_passwd(*users, context);
    add_user_groups(*users, context);
}

}  // namespace sealpost::app
