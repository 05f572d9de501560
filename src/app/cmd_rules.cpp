// sealpost rules check [FILE] and sealpost rules explain ADDR: rules.txt for administrators.
#include <cstdio>
#include <iostream>

#include "app/context.hpp"
#include "common/error.hpp"
#include "common/files.hpp"
#include "common/log.hpp"
#include "directory/directory.hpp"
#include "openpgp/key_info.hpp"
#include "policy/rules.hpp"

namespace sealpost::app {

namespace {

std::filesystem::path rules_path(Context& context, const std::string& given) {
    return given.empty() ? context.data_dir().root / "rules.txt" : std::filesystem::path(given);
}

// Every syntax error on its own line (file:line:column: what), then a count; exit 65 if any.
void run_check(Context& context, const std::string& file) {
    auto path = rules_path(context, file);
    auto text = files::read(path);
    std::vector<policy::ParseError> errors;
    policy::parse(text, &errors);
    for (const auto& error : errors) {
        std::fprintf(log::error_stream(), "%s\n", policy::describe(error, path.string()).c_str());
    }
    if (!errors.empty()) {
        throw Error(ErrorKind::BadInput,
                    path.string() + ": " + std::to_string(errors.size()) + " syntax error(s)");
    }
    std::cout << path.string() << ": no errors\n";
}

void run_explain(Context& context, const std::string& address) {
    auto normal = openpgp::normalise_address(address);
    auto rules = policy::load(rules_path(context, ""));
    auto& directory = context.directory();
    auto groups = [&directory](std::string_view group, std::string_view member) {
        return directory.is_member(group, member);
    };
    std::cout << policy::to_text(rules.explain(normal, groups));
    const auto& service = context.config().service;
    std::cout << "no rule: local users " << (service.authorize_local_users ? "allowed" : "denied")
              << " (authorize_local_users), foreign senders "
              << (service.authorize_foreign_senders ? "allowed" : "denied")
              << " to decrypt and verify (authorize_foreign_senders), rkey denied\n";
}

}  // namespace

void add_rules_commands(CLI::App& app, Context& context) {
    auto* rules = app.add_subcommand("rules", "check rules.txt and explain its verdicts");
    rules->require_subcommand(1);
    auto file = std::make_shared<std::string>();
    auto* check = rules->add_subcommand("check", "report syntax errors with line and column");
    check->add_option("file", *file, "the rules file (default: rules.txt of the data directory)");
    check->callback([&context, file] { run_check(context, *file); });

    auto address = std::make_shared<std::string>();
    auto* explain = rules->add_subcommand("explain", "the effective permissions of an address");
    explain->add_option("address", *address)->required();
    explain->callback([&context, address] { run_explain(context, *address); });
}

}  // namespace sealpost::app
