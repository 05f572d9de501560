// sealpost: one binary, subcommands for the daemon, the pipe filter and administration.
#include <sysexits.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <sstream>

#include "app/context.hpp"
#include "common/allocator.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "sealpost/version.hpp"

namespace {

// sysexits(3), so that an MTA calling us knows whether to retry (EX_TEMPFAIL) or not.
int exit_code_for(sealpost::ErrorKind kind) {
    using sealpost::ErrorKind;
    switch (kind) {
        case ErrorKind::BadInput:
            return EX_DATAERR;
        case ErrorKind::NotFound:
            return EX_NOINPUT;
        case ErrorKind::Unusable:
            return EX_UNAVAILABLE;
        case ErrorKind::WrongPassphrase:
            return EX_NOPERM;
        case ErrorKind::IntegrityFailure:
            return EX_DATAERR;
        case ErrorKind::LimitExceeded:
            return EX_DATAERR;
        case ErrorKind::Conflict:
            return EX_CANTCREAT;
        case ErrorKind::Temporary:
            return EX_TEMPFAIL;
        case ErrorKind::Internal:
            return EX_SOFTWARE;
    }
    return EX_SOFTWARE;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace sealpost;
    tune_allocator();
    log::divert_stray_output();
    CLI::App app{"Sealpost: server-side OpenPGP for mail servers", "sealpost"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("sealpost ") + version);
    app::Context context;
    app.add_option("--data-dir", context.data_dir_option,
                   "data directory (default: $SEALPOST_DATA_DIR, else ./var)");
    std::string level = "info";
    app.add_option("--log-level", level, "trace, debug, info, warn or error")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.parse_complete_callback([&] { log::set_level(log::parse_level(level)); });

    app::add_init_command(app, context);
    app::add_keys_commands(app, context);
    app::add_crypto_commands(app, context);
    app::add_maintenance_commands(app, context);
    app::add_directory_commands(app, context);
    app::add_rules_commands(app, context);
    app::add_process_command(app, context);
    app::add_serve_command(app, context);
    app::add_dns_commands(app, context);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::ostringstream out;
        std::ostringstream err;
        int rc = app.exit(e, out, err);
        std::fputs(out.str().c_str(), stdout);
        std::fputs(err.str().c_str(), log::error_stream());
        return rc == 0 ? 0 : EX_USAGE;
    } catch (const Error& e) {
        std::fprintf(log::error_stream(), "sealpost: error: %s\n", e.what());
        return exit_code_for(e.kind());
    } catch (const std::exception& e) {
        std::fprintf(log::error_stream(), "sealpost: error: %s\n", e.what());
        return EX_SOFTWARE;
    }
    return 0;
}
