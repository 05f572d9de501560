#include "smtp/gateway/gateway.hpp"

#include <chrono>
#include <memory>

#include "common/ascii.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "directory/sqlite_directory.hpp"
#include "pipeline/processor.hpp"
#include "smtp/gateway/bounce.hpp"
#include "smtp/gateway/discovery_hook.hpp"

namespace sealpost::smtp {

namespace {

// What one worker thread keeps: its own database connections and pipeline, built for one
// settings snapshot and rebuilt when SIGHUP brings a new one.
struct WorkerState {
    const Gateway* owner = nullptr;
    std::shared_ptr<const Settings> settings;
    keystore::OpenKeystore keystore;
    std::unique_ptr<directory::SqliteDirectory> directory;
    std::unique_ptr<DiscoveryHook> discovery;
    std::unique_ptr<pipeline::Processor> processor;
};

thread_local std::unique_ptr<WorkerState> worker_state;

WorkerState& worker(const Gateway* owner, const keystore::DataDir& data_dir,
                    const std::shared_ptr<const Settings>& settings,
                    const std::shared_ptr<discovery::NegativeCache>& misses) {
    auto& state = worker_state;
    if (!state || state->owner != owner) {
        state = std::make_unique<WorkerState>();
        state->owner = owner;
        state->keystore = keystore::open_keystore(data_dir);
        state->directory =
            std::make_unique<directory::SqliteDirectory>(data_dir.keystore().string());
    }
    if (state->settings != settings) {
        state->processor.reset();
        state->discovery.reset();
        state->settings = settings;
        state->discovery =
            make_discovery_hook(settings->config.discovery, *state->keystore.keys, misses);
        state->processor = std::make_unique<pipeline::Processor>(
            *state->keystore.keys, *state->directory, settings->config, settings->rules);
        state->processor->set_key_finder(state->discovery.get());
    }
    return *state;
}

pipeline::Envelope envelope_of(const Transaction& transaction) {
    pipeline::Envelope envelope;
    envelope.sender = transaction.sender;
    envelope.recipients = transaction.recipients;
    envelope.role = transaction.role == Role::Submission ? config::ListenerRole::Submission
                                                         : config::ListenerRole::Inbound;
    // A submission listener either required AUTH or is reachable by the front MTA alone,
    // which authenticated the sender (DESIGN.md §1).
    envelope.authenticated = transaction.role == Role::Submission;
    envelope.client_ip = transaction.client.address;
    return envelope;
}

std::string actions_of(const pipeline::Result& result) {
    std::string out;
    for (const auto& message : result.messages) {
        if (out.find(message.why) == std::string::npos) {
            out += (out.empty() ? "" : ",") + message.why;
        }
    }
    return out.empty() ? "none" : out;
}

// The gateway's series in /metrics: messages by listener role, action and result, how long
// each took from the end of DATA to the reply, and how many are between the two now.
struct GatewayMetrics {
    metrics::CounterFamily& messages;
    metrics::HistogramFamily& duration;
    metrics::Gauge& in_flight;
    metrics::Counter& auth_refused;

    GatewayMetrics()
        : messages(metrics::default_registry().counter_family(
              "sealpost_messages_total",
              "Messages taken over SMTP, by listener role, pipeline action and result",
              {"role", "action", "result"})),
          duration(metrics::default_registry().histogram_family(
              "sealpost_message_duration_seconds",
              "From the end of DATA to the reply: pipeline and next hop", {"role"},
              metrics::message_duration_buckets())),
          in_flight(metrics::default_registry().gauge(
              "sealpost_messages_in_flight", "Messages between the end of DATA and the reply")),
          auth_refused(metrics::default_registry().counter(
              "sealpost_auth_refused_total", "SMTP AUTH attempts with a wrong password")) {}
};

GatewayMetrics& gateway_metrics() {
    static GatewayMetrics instance;
    return instance;
}

std::string_view role_name(Role role) {
    return role == Role::Submission ? "submission" : "inbound";
}

std::string first_text(const std::vector<RecipientOutcome>& outcomes) {
    return outcomes.empty() ? std::string() : outcomes.front().text;
}

}  // namespace

Gateway::Gateway(keystore::DataDir data_dir, SettingsHolder& settings, WorkerPool& workers,
                 NextHop& next_hop)
    : data_dir_(std::move(data_dir)),
      settings_(settings),
      workers_(workers),
      next_hop_(next_hop),
      misses_(std::make_shared<discovery::NegativeCache>()) {}

boost::asio::awaitable<Reply> Gateway::deliver(Transaction transaction) {
    const std::string& queue_id = transaction.queue_id;
    auto started = std::chrono::steady_clock::now();
    auto& meters = gateway_metrics();
    metrics::ScopedGaugeIncrement in_flight(meters.in_flight);
    if (!transaction.client.authenticated_user.empty() &&
        !ascii_iequals(transaction.client.authenticated_user, transaction.sender)) {
        log::warn("gateway", "sender_not_owned",
                  {{"queue_id", queue_id},
                   {"user", transaction.client.authenticated_user},
                   {"from", transaction.sender}});
        meters.messages.with({role_name(transaction.role), "none", "rejected"}).inc();
        co_return Reply{553, "5.7.1", "Sender address is not the one you logged in as"};
    }
    auto settings = settings_.get();
    auto envelope = envelope_of(transaction);
    pipeline::Result result;
    try {
        auto job = [this, settings, envelope, &transaction] {
            auto& state = worker(this, data_dir_, settings, misses_);
            return state.processor->process(envelope, transaction.data, pipeline::Mode::Apply,
                                            transaction.queue_id);
        };
        result = co_await workers_.run(job);
    } catch (const std::exception& e) {
        log::error("gateway", "not_processed",
                   {{"queue_id", queue_id}, {"reply", 451}, {"error", e.what()}});
        meters.messages.with({role_name(transaction.role), "none", "deferred"}).inc();
        co_return Reply{451, "4.3.0", "Message not processed, try again later"};
    }
    std::vector<OutgoingMessage> messages;
    for (auto& output : result.messages) {
        messages.push_back(OutgoingMessage{queue_id, std::move(output.sender),
                                           std::move(output.recipients), std::move(output.data),
                                           transaction.client.address, transaction.client.name,
                                           transaction.client.helo});
    }
    Delivery delivery{actions_of(result), ""};
    // Arguments of co_await calls are named variables: GCC 12 mishandles temporaries there.
    auto relayed = co_await relay(transaction, messages);
    Reply reply = co_await conclude(transaction, relayed, delivery);
    auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    meters.messages.with({role_name(transaction.role), delivery.action, delivery.result}).inc();
    meters.duration.with({role_name(transaction.role)})
        .observe(std::chrono::duration<double>(elapsed).count());
    log::info("gateway", "message",
              {{"queue_id", queue_id},
               {"action", delivery.action},
               {"result", delivery.result},
               {"reply", reply.code},
               {"next_hop", next_hop_.describe()},
               {"ms", static_cast<long long>(elapsed.count())}});
    co_return reply;
}

boost::asio::awaitable<Gateway::Relayed> Gateway::relay(
    const Transaction& transaction, const std::vector<OutgoingMessage>& messages) {
    Relayed relayed;
    // An index, not a range-for: GCC 12 loses a range-for's reference across a suspension.
    for (std::size_t i = 0; i < messages.size(); ++i) {
        auto outcomes = co_await next_hop_.deliver(messages[i]);
        for (auto& outcome : outcomes) {
            if (outcome.accepted()) {
                relayed.accepted.push_back(std::move(outcome));
            } else if (outcome.temporary()) {
                relayed.temporary.push_back(std::move(outcome));
            } else {
                relayed.permanent.push_back(std::move(outcome));
            }
        }
        if (!relayed.temporary.empty()) {
            // LIMITATION: messages of this transaction that the next hop already took are
            // sent again when the client retries; only a durable queue (edge mode) avoids it.
            log::warn("gateway", "deferred",
                      {{"queue_id", transaction.queue_id},
                       {"next_hop", next_hop_.describe()},
                       {"why", first_text(relayed.temporary)}});
            break;
        }
    }
    co_return relayed;
}

boost::asio::awaitable<Reply> Gateway::conclude(const Transaction& transaction,
                                                const Relayed& relayed, Delivery& delivery) {
    if (!relayed.temporary.empty()) {
        delivery.result = "deferred";
        co_return Reply{
            451, "4.4.0",
            "Next hop did not take the message, try again later: " + first_text(relayed.temporary)};
    }
    if (relayed.permanent.empty()) {
        delivery.result = "delivered";
        co_return Reply{250, "2.0.0", "Ok: queued as " + transaction.queue_id};
    }
    if (relayed.accepted.empty()) {
        delivery.result = "rejected";
        const auto& refusal = relayed.permanent.front();
        co_return Reply{refusal.code >= 500 && refusal.code < 600 ? refusal.code : 550,
                        refusal.enhanced.empty() ? "5.0.0" : refusal.enhanced,
                        "Next hop refused the message: " + refusal.text};
    }
    delivery.result = "bounced";
    if (transaction.sender.empty()) {
        log::warn("gateway", "bounce_dropped",
                  {{"queue_id", transaction.queue_id}, {"why", "null sender gets no bounce"}});
        co_return Reply{250, "2.0.0", "Ok: queued as " + transaction.queue_id};
    }
    OutgoingMessage report{
        transaction.queue_id,
        "",
        {transaction.sender},
        relay_failure_report(transaction.sender, transaction.data, relayed.permanent,
                             settings_.get()->config.smtp.hostname, transaction.queue_id),
        "",
        "",
        ""};
    auto outcomes = co_await next_hop_.deliver(report);
    for (const auto& outcome : outcomes) {
        if (outcome.temporary()) {
            delivery.result = "deferred";
            co_return Reply{451, "4.4.0", "Bounce not delivered, try again later"};
        }
        if (!outcome.accepted()) {
            // Nobody is left to tell: the sender's own address refuses the report.
            log::warn("gateway", "bounce_refused",
                      {{"queue_id", transaction.queue_id},
                       {"recipient", outcome.recipient},
                       {"code", outcome.code},
                       {"why", outcome.text}});
        }
    }
    co_return Reply{250, "2.0.0", "Ok: queued as " + transaction.queue_id};
}

boost::asio::awaitable<std::optional<Reply>> Gateway::check_recipient(std::string queue_id,
                                                                      std::string recipient,
                                                                      Role role) {
    auto at = recipient.rfind('@');
    if (!next_hop_.delivers_locally() || at == std::string::npos ||
        ascii_iequals(recipient.substr(0, at), "postmaster")) {
        co_return std::nullopt;
    }
    auto settings = settings_.get();
    std::optional<bool> known;
    try {
        auto job = [this, settings, &recipient, at]() -> std::optional<bool> {
            auto& directory = *worker(this, data_dir_, settings, misses_).directory;
            std::optional<bool> answer;
            try {
                if (directory.is_local(recipient.substr(at + 1))) {
                    answer = directory.find_account(recipient).has_value();
                }
            } catch (const Error& e) {
                // A name the directory cannot hold is in no local domain.
                if (e.kind() != ErrorKind::BadInput) {
                    throw;
                }
            }
            return answer;
        };
        known = co_await workers_.run(job);
    } catch (const std::exception& e) {
        log::error("gateway", "recipient_not_checked",
                   {{"queue_id", queue_id},
                    {"recipient", recipient},
                    {"reply", 451},
                    {"error", e.what()}});
        co_return Reply{451, "4.3.0", "Recipient not checked, try again later"};
    }
    if (!known || *known) {
        co_return std::nullopt;
    }
    log::info("gateway", "unknown_recipient",
              {{"queue_id", queue_id},
               {"recipient", recipient},
               {"role", role_name(role)},
               {"why", "local domain without such an account"}});
    co_return Reply{550, "5.1.1", "Recipient address rejected: no such user here"};
}

boost::asio::awaitable<bool> Gateway::authenticate(std::string user, Secret password) {
    auto settings = settings_.get();
    bool ok = false;
    try {
        auto job = [this, settings, &user, &password] {
            return worker(this, data_dir_, settings, misses_)
                .directory->verify_password(user, password);
        };
        ok = co_await workers_.run(job);
    } catch (const std::exception& e) {
        log::error("gateway", "auth_failed", {{"user", user}, {"error", e.what()}});
        co_return false;
    }
    if (!ok) {
        gateway_metrics().auth_refused.inc();
    }
    log::info("gateway", ok ? "auth_ok" : "auth_refused", {{"user", user}});
    co_return ok;
}

}  // namespace sealpost::smtp
