#include "smtp/gateway/daemon.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <iostream>
#include <memory>
#include <optional>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "http/http_server.hpp"
#include "http/keyserver/keyserver.hpp"
#include "keystore/data_dir.hpp"
#include "smtp/gateway/gateway.hpp"
#include "smtp/gateway/self_signed.hpp"
#include "smtp/gateway/settings.hpp"
#include "smtp/gateway/worker_pool.hpp"
#include "smtp/server/server.hpp"
#include "smtp/server/tls_context.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;

namespace {

Settings effective_settings(const ServeOptions& options) {
    Settings settings = load_settings(options.data_dir);
    config::Config& config = settings.config;
    if (!options.listen.empty()) {
        auto role = options.role == "inbound" ? config::ListenerRole::Inbound
                                              : config::ListenerRole::Submission;
        config.listeners.clear();
        for (const auto& address : options.listen) {
            config.listeners.push_back({.address = address, .role = role});
        }
    }
    if (!options.next_hop.empty()) {
        config.relay.next_hop = options.next_hop;
    }
    if (!options.http.empty()) {
        config.http.address = options.http == "none" ? "" : options.http;
    }
    if (!options.keyserver.empty()) {
        config.keys.serve_http = options.keyserver != "none";
        if (config.keys.serve_http) {
            config.keyserver.address = options.keyserver;
        }
    }
    if (config.relay.next_hop.empty()) {
        // LIMITATION: edge mode (the durable queue and MX delivery of DESIGN.md §1) is not
        // built yet, so the daemon needs a next hop.
        throw Error(ErrorKind::BadInput,
                    "no next hop: set [relay] next_hop in sealpost.toml or pass --next-hop "
                    "(edge mode is not available yet)");
    }
    if (config.listeners.empty()) {
        throw Error(ErrorKind::BadInput,
                    "no SMTP listener: add a [[listener]] to sealpost.toml or pass --listen");
    }
    return settings;
}

std::string next_hop_uri(const std::string& configured) {
    bool has_scheme = configured.rfind("smtp://", 0) == 0 || configured.rfind("lmtp:", 0) == 0 ||
                      configured.rfind("maildir:", 0) == 0;
    return has_scheme ? configured : "smtp://" + configured;
}

std::filesystem::path in_data_dir(const std::filesystem::path& root, const std::string& file) {
    std::filesystem::path path(file);
    return path.is_absolute() ? path : root / path;
}

// The STARTTLS context, or null when no listener offers STARTTLS. Missing files (a data
// directory made before `init` wrote them) turn STARTTLS off with a warning; files that are
// there but wrong stop the daemon.
std::shared_ptr<asio::ssl::context> tls_context(const std::filesystem::path& root,
                                                const config::Config& config) {
    bool wanted = false;
    for (const auto& listener : config.listeners) {
        wanted = wanted || listener.starttls;
    }
    if (!wanted) {
        return nullptr;
    }
    auto certificate = in_data_dir(root, config.smtp.tls_certificate);
    auto key = in_data_dir(root, config.smtp.tls_key);
    if (!std::filesystem::exists(certificate) || !std::filesystem::exists(key)) {
        log::warn("daemon", "starttls_off",
                  {{"why", "certificate or key file missing"},
                   {"certificate", certificate.string()},
                   {"key", key.string()}});
        return nullptr;
    }
    return make_tls_context(certificate.string(), key.string());
}

std::string host_name(const config::Config& config) {
    return config.smtp.hostname.empty() ? machine_host_name() : config.smtp.hostname;
}

SessionLimits session_limits(const config::Config& config) {
    SessionLimits limits;
    limits.max_message_size = config.limits.max_message_bytes;
    limits.max_recipients = static_cast<std::size_t>(config.smtp.max_recipients);
    limits.max_errors = static_cast<std::size_t>(config.smtp.max_errors);
    limits.max_connections = static_cast<std::size_t>(config.smtp.max_connections);
    limits.max_connections_per_address =
        static_cast<std::size_t>(config.smtp.max_connections_per_client);
    limits.command_timeout = std::chrono::seconds(config.smtp.command_timeout_seconds);
    limits.data_timeout = std::chrono::seconds(config.smtp.data_timeout_seconds);
    return limits;
}

std::vector<ListenerSettings> listener_settings(const std::filesystem::path& root,
                                                const config::Config& config) {
    auto tls = tls_context(root, config);
    std::vector<ListenerSettings> out;
    for (const auto& listener : config.listeners) {
        ListenerSettings settings;
        settings.address = listener.address;
        settings.role =
            listener.role == config::ListenerRole::Inbound ? Role::Inbound : Role::Submission;
        settings.trust_xforward = listener.trust_xforward;
        settings.require_auth = listener.require_auth;
        settings.offer_auth = settings.role == Role::Submission;
        settings.tls = listener.starttls ? tls : nullptr;
        settings.limits = session_limits(config);
        settings.hostname = host_name(config);
        out.push_back(std::move(settings));
    }
    return out;
}

// Everything the running daemon is made of, in the order it is built and the reverse order
// it is torn down.
struct Daemon {
    const ServeOptions& options;
    keystore::DataDir data_dir;
    asio::io_context io{1};
    SettingsHolder settings;
    WorkerPool workers;
    std::unique_ptr<NextHop> next_hop;
    Gateway gateway;
    Server server;
    std::optional<http::HttpServer> http_server;
    std::optional<keyserver::Keyserver> key_server;  // before its listener: outlives it
    std::optional<http::HttpServer> key_listener;
    asio::signal_set signals{io, SIGTERM, SIGINT, SIGHUP};
    asio::steady_timer gauges_timer{io};
    bool stopping = false;

    Daemon(const ServeOptions& o, Settings first)
        : options(o),
          data_dir{o.data_dir},
          settings(std::make_shared<const Settings>(std::move(first))),
          workers(static_cast<std::size_t>(settings.get()->config.smtp.workers)),
          next_hop(make_next_hop(next_hop_uri(settings.get()->config.relay.next_hop),
                                 io.get_executor(), workers.executor(),
                                 NextHopOptions{.helo_name = host_name(settings.get()->config)})),
          gateway(data_dir, settings, workers, *next_hop),
          server(io.get_executor(), listener_settings(o.data_dir, settings.get()->config),
                 gateway) {}

    void start();
    void start_key_server(const config::Config& config);
    void wait_for_signal();
    void reload();
    void shut_down();
    void update_gauges();
};

void Daemon::start() {
    const auto& config = settings.get()->config;
    server.start();
    auto ports = server.bound_ports();
    for (std::size_t i = 0; i < config.listeners.size(); ++i) {
        const auto& listener = config.listeners[i];
        log::info("daemon", "listening",
                  {{"address", listener.address},
                   {"role", config::to_string(listener.role)},
                   {"port", ports.at(i)}});
        std::cout << "sealpost: " << config::to_string(listener.role) << " listener on "
                  << listener.address << "\n";
    }
    if (!config.http.address.empty()) {
        http_server.emplace(io, http::HttpServerOptions{.listen = config.http.address});
        http_server->start();
        std::cout << "sealpost: metrics at http://" << config.http.address << "/metrics\n";
    }
    if (config.keys.serve_http) {
        start_key_server(config);
    }
    std::cout << "sealpost: next hop " << next_hop->describe() << "; " << workers.threads()
              << " workers; SIGHUP reloads, SIGTERM stops" << std::endl;
    log::info("daemon", "started",
              {{"next_hop", next_hop->describe()}, {"workers", workers.threads()}});
    wait_for_signal();
    update_gauges();
}

void Daemon::start_key_server(const config::Config& config) {
    http::HttpServerOptions options{.listen = config.keyserver.address};
    if (!config.keyserver.tls_certificate.empty()) {
        // A key server asked for HTTPS that cannot have it does not start at all: serving WKD
        // over plain HTTP instead would only look like it works.
        options.tls =
            make_tls_context(in_data_dir(data_dir.root, config.keyserver.tls_certificate).string(),
                             in_data_dir(data_dir.root, config.keyserver.tls_key).string());
    }
    bool https = options.tls != nullptr;
    key_server.emplace(data_dir.keystore(), keyserver::KeyserverOptions{});
    key_listener.emplace(io, options);
    key_server->add_routes(*key_listener);
    key_listener->start();
    log::info("daemon", "key_server_listening",
              {{"address", config.keyserver.address},
               {"port", key_listener->bound_port()},
               {"tls", https ? "yes" : "no"}});
    std::cout << "sealpost: key server at " << (https ? "https://" : "http://")
              << config.keyserver.address << "/pks/lookup\n";
}

void Daemon::wait_for_signal() {
    signals.async_wait([this](const boost::system::error_code& error, int signal) {
        if (error) {
            return;
        }
        if (signal == SIGHUP) {
            reload();
        } else if (stopping) {
            log::warn("daemon", "stop_now", {{"why", "second stop signal"}});
            io.stop();
            return;
        } else {
            shut_down();
        }
        wait_for_signal();
    });
}

void Daemon::reload() {
    try {
        Settings next = effective_settings(options);
        if (next.config.relay.next_hop != settings.get()->config.relay.next_hop) {
            log::warn("daemon", "next_hop_unchanged",
                      {{"why", "a new next hop takes effect on restart"}});
        }
        server.replace_settings(listener_settings(options.data_dir, next.config));
        auto installed = settings.replace(std::move(next));
        log::info("daemon", "reloaded", {{"generation", installed->generation}});
    } catch (const std::exception& e) {
        log::error("daemon", "reload_failed",
                   {{"error", e.what()}, {"kept", "the settings already running"}});
    }
}

void Daemon::shut_down() {
    stopping = true;
    log::info("daemon", "stopping",
              {{"sessions", server.active_sessions()}, {"why", "stop signal"}});
    if (http_server) {
        http_server->stop();
    }
    if (key_listener) {
        key_listener->stop();
    }
    server.shutdown([this] {
        asio::post(io, [this] {
            log::info("daemon", "stopped", {{"why", "every session finished"}});
            gauges_timer.cancel();
            signals.cancel();
            io.stop();
        });
    });
}

void Daemon::update_gauges() {
    auto& registry = metrics::default_registry();
    static auto& sessions = registry.gauge("sealpost_smtp_sessions_active", "Open SMTP sessions");
    static auto& queue = registry.gauge("sealpost_worker_queue_depth",
                                        "Pipeline jobs waiting for or running on a worker");
    sessions.set(static_cast<double>(server.active_sessions()));
    queue.set(static_cast<double>(workers.depth()));
    gauges_timer.expires_after(std::chrono::seconds(1));
    gauges_timer.async_wait([this](const boost::system::error_code& error) {
        if (!error) {
            update_gauges();
        }
    });
}

}  // namespace

int serve(const ServeOptions& options) {
    Settings first = effective_settings(options);
    if (options.log_level_from_config) {
        log::set_level(first.config.log.level);
    }
    // Checks, migrations and passphrase recovery happen once here, before any worker opens
    // its own connection.
    keystore::open_keystore(keystore::DataDir{options.data_dir});
    Daemon daemon(options, std::move(first));
    daemon.start();
    daemon.io.run();
    daemon.workers.join();
    return 0;
}

}  // namespace sealpost::smtp
