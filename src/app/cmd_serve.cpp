// sealpost serve: the SMTP gateway daemon (DESIGN.md §1–2).
#include "app/context.hpp"
#include "smtp/gateway/daemon.hpp"

namespace sealpost::app {

void add_serve_command(CLI::App& app, Context& context) {
    auto options = std::make_shared<smtp::ServeOptions>();
    auto* cmd = app.add_subcommand(
        "serve", "run the SMTP gateway: listeners from sealpost.toml, mail on to the next hop");
    cmd->add_option("--listen", options->listen,
                    "ADDR:PORT to accept SMTP on (repeatable; replaces [[listener]])");
    cmd->add_option("--role", options->role, "role of every --listen: submission or inbound")
        ->check(CLI::IsMember({"submission", "inbound"}));
    cmd->add_option("--next-hop", options->next_hop,
                    "smtp://HOST:PORT, lmtp://HOST:PORT, lmtp:unix:/PATH or maildir:/PATH");
    cmd->add_option("--http", options->http, "ADDR:PORT for /metrics, or none");
    cmd->add_option("--keyserver", options->keyserver,
                    "ADDR:PORT for the key server (turns [keys] serve_http on), or none");
    cmd->callback([&app, &context, options] {
        options->data_dir = context.data_dir().root;
        options->log_level_from_config = app.get_option("--log-level")->count() == 0;
        smtp::serve(*options);
    });
}

}  // namespace sealpost::app
