// The listeners and their sessions (see server.hpp).
#include "smtp/server/server.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <map>
#include <mutex>
#include <utility>

#include "common/error.hpp"
#include "common/log.hpp"
#include "smtp/server/listener.hpp"
#include "smtp/server/session.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;
using asio::ip::tcp;
using server::Listener;
using server::Outcome;
using server::Session;

namespace {

// A refused client gets its 421 within this time, or just the close.
constexpr std::chrono::milliseconds refusal_timeout = std::chrono::seconds(10);
// After a failed accept (out of file descriptors, say), wait before the next one.
constexpr std::chrono::milliseconds accept_retry_delay{100};

std::string peer_address(const tcp::socket& socket) {
    boost::system::error_code error;
    tcp::endpoint peer = socket.remote_endpoint(error);
    if (error) {
        return "unknown";
    }
    asio::ip::address address = peer.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    return address.to_string();
}

// For co_spawn: what escapes a coroutine that must not throw is logged, never dropped.
auto log_escape(std::string what) {
    return [what = std::move(what)](std::exception_ptr failure) {
        if (!failure) {
            return;
        }
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& error) {
            log::error("smtp", "coroutine-failed", {{"what", what}, {"error", error.what()}});
        } catch (...) {
            log::error("smtp", "coroutine-failed", {{"what", what}, {"error", "unknown"}});
        }
    };
}

// Listeners are known by their address (in log lines and on reload), so each is listed once.
void check_unique_addresses(const std::vector<ListenerSettings>& listeners) {
    for (auto one = listeners.begin(); one != listeners.end(); ++one) {
        for (auto other = std::next(one); other != listeners.end(); ++other) {
            if (one->address == other->address) {
                throw Error(ErrorKind::BadInput, "listener " + one->address + " is listed twice");
            }
        }
    }
}

asio::awaitable<void> say_and_close(std::shared_ptr<server::Connection> connection,
                                    std::string reply) {
    try {
        co_await connection->write_all(reply, refusal_timeout);
    } catch (const boost::system::system_error& failure) {
        log::debug("smtp", "refusal-not-sent", {{"error", failure.what()}});
    }
    connection->close();
}

}  // namespace

struct Server::State : std::enable_shared_from_this<Server::State> {
    State(asio::any_io_executor io, std::vector<ListenerSettings> settings, Handler& h)
        : executor(std::move(io)),
          strand(asio::make_strand(executor)),
          handler(h),
          configured(std::move(settings)) {}

    static asio::awaitable<void> accept_loop(std::shared_ptr<State> self,
                                             std::shared_ptr<Listener> listener);
    void begin_accepting(const std::shared_ptr<Listener>& listener);
    void admit(const std::shared_ptr<Listener>& listener, tcp::socket socket);
    void refuse(tcp::socket socket, const ListenerSettings& settings, Outcome outcome,
                const std::string& address);
    void start_session(const std::shared_ptr<Listener>& listener, tcp::socket socket,
                       const std::string& address);
    void release(Session* session, const std::string& address);
    void apply_settings(const std::vector<ListenerSettings>& settings,
                        const std::map<std::string, std::shared_ptr<Listener>>& opened);
    void close_acceptors();
    void check_drained();

    asio::any_io_executor executor;
    asio::strand<asio::any_io_executor> strand;
    Handler& handler;

    // The caller's side (one thread at a time, see server.hpp).
    std::vector<ListenerSettings> configured;
    std::map<std::string, unsigned short> bound;  // address -> port, of what is bound
    mutable std::mutex ports_mutex;               // guards `bound` for bound_ports()

    // On the strand.
    std::vector<std::shared_ptr<Listener>> listeners;
    std::map<Session*, std::shared_ptr<Session>> sessions;
    // Sessions by client address, over every listener: the limits hold for the server.
    std::map<std::string, std::size_t> sessions_by_address;
    bool draining = false;
    std::function<void()> on_drained;

    std::atomic<std::size_t> active{0};
};

asio::awaitable<void> Server::State::accept_loop(std::shared_ptr<State> self,
                                                 std::shared_ptr<Listener> listener) {
    for (;;) {
        boost::system::error_code error;
        tcp::socket socket = co_await listener->acceptor.async_accept(
            asio::any_io_executor(asio::make_strand(self->executor)),
            asio::redirect_error(asio::use_awaitable, error));
        if (error == asio::error::operation_aborted || !listener->acceptor.is_open()) {
            co_return;
        }
        if (error) {
            log::warn("smtp", "accept-failed",
                      {{"listener", listener->settings->address}, {"error", error.message()}});
            asio::steady_timer pause(self->strand, accept_retry_delay);
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, error));
            continue;
        }
        self->admit(listener, std::move(socket));
    }
}

void Server::State::begin_accepting(const std::shared_ptr<Listener>& listener) {
    listeners.push_back(listener);
    boost::system::error_code error;
    tcp::endpoint local = listener->acceptor.local_endpoint(error);
    log::info("smtp", "listening",
              {{"listener", listener->settings->address}, {"port", error ? 0 : local.port()}});
    asio::co_spawn(strand, accept_loop(shared_from_this(), listener),
                   log_escape("accept " + listener->settings->address));
}

void Server::State::admit(const std::shared_ptr<Listener>& listener, tcp::socket socket) {
    const ListenerSettings& settings = *listener->settings;
    std::string address = peer_address(socket);
    auto same_address = sessions_by_address.find(address);
    std::size_t from_address = same_address == sessions_by_address.end() ? 0 : same_address->second;
    if (draining) {
        refuse(std::move(socket), settings, Outcome::ShuttingDown, address);
    } else if (sessions.size() >= settings.limits.max_connections) {
        refuse(std::move(socket), settings, Outcome::ServiceBusy, address);
    } else if (from_address >= settings.limits.max_connections_per_address) {
        refuse(std::move(socket), settings, Outcome::TooManyFromAddress, address);
    } else {
        start_session(listener, std::move(socket), address);
    }
}

// Answers 421 without reading anything from the client, then closes.
void Server::State::refuse(tcp::socket socket, const ListenerSettings& settings, Outcome outcome,
                           const std::string& address) {
    // Only the shutdown reply names the host; the limits' replies say no more than needed.
    Reply reply = server::reply_for(
        outcome, outcome == Outcome::ShuttingDown ? settings.hostname : std::string());
    log::warn("smtp", "refuse",
              {{"client", address}, {"listener", settings.address}, {"reason", reply.text}});
    auto socket_executor = socket.get_executor();
    auto connection = std::make_shared<server::Connection>(std::move(socket));
    asio::co_spawn(socket_executor, say_and_close(connection, server::format_reply(reply)),
                   log_escape("refuse " + address));
}

void Server::State::start_session(const std::shared_ptr<Listener>& listener, tcp::socket socket,
                                  const std::string& address) {
    auto socket_executor = socket.get_executor();
    auto session = std::make_shared<Session>(std::move(socket), listener->settings, handler);
    ++sessions_by_address[address];
    sessions.emplace(session.get(), session);
    ++active;
    // The coroutine's frame owns the session; the server keeps a reference only to drain it.
    auto done = [self = shared_from_this(), raw = session.get(),
                 address](std::exception_ptr failure) {
        log_escape("session " + address)(failure);
        asio::post(self->strand, [self, raw, address] { self->release(raw, address); });
    };
    asio::co_spawn(
        socket_executor, [session]() -> asio::awaitable<void> { co_await session->run(); },
        std::move(done));
}

void Server::State::release(Session* session, const std::string& address) {
    sessions.erase(session);
    --active;
    auto same_address = sessions_by_address.find(address);
    if (same_address != sessions_by_address.end() && --same_address->second == 0) {
        sessions_by_address.erase(same_address);
    }
    check_drained();
}

// On the strand, after replace_settings bound what is new: listeners keep running with new
// settings for new sessions, or stop accepting when no longer listed.
void Server::State::apply_settings(const std::vector<ListenerSettings>& settings,
                                   const std::map<std::string, std::shared_ptr<Listener>>& opened) {
    std::vector<std::shared_ptr<Listener>> kept;
    for (const auto& listener : listeners) {
        auto same = std::find_if(settings.begin(), settings.end(), [&](const auto& candidate) {
            return candidate.address == listener->settings->address;
        });
        if (same == settings.end()) {
            boost::system::error_code error;
            listener->acceptor.close(error);  // fails only if already closed
            log::info("smtp", "listener-removed", {{"listener", listener->settings->address}});
        } else {
            listener->settings = std::make_shared<const ListenerSettings>(*same);
            kept.push_back(listener);
        }
    }
    listeners = std::move(kept);
    for (const auto& [address, listener] : opened) {
        if (draining) {
            boost::system::error_code error;
            listener->acceptor.close(error);  // a reload during a drain opens nothing new
        } else {
            begin_accepting(listener);
        }
    }
    log::info("smtp", "settings-replaced", {{"listeners", settings.size()}});
}

void Server::State::close_acceptors() {
    for (const auto& listener : listeners) {
        boost::system::error_code error;
        listener->acceptor.close(error);  // fails only if already closed
    }
}

void Server::State::check_drained() {
    if (draining && sessions.empty() && on_drained) {
        std::function<void()> done = std::exchange(on_drained, nullptr);
        log::info("smtp", "drained");
        done();
    }
}

Server::Server(asio::any_io_executor executor, std::vector<ListenerSettings> listeners,
               Handler& handler)
    : state_(std::make_shared<State>(std::move(executor), std::move(listeners), handler)) {}

Server::~Server() {
    asio::dispatch(state_->strand, [state = state_] { state->close_acceptors(); });
}

void Server::start() {
    check_unique_addresses(state_->configured);
    std::vector<std::shared_ptr<Listener>> opened;
    for (const ListenerSettings& settings : state_->configured) {
        opened.push_back(server::open_listener(settings, state_->strand));
    }
    {
        std::lock_guard lock(state_->ports_mutex);
        for (const auto& listener : opened) {
            state_->bound[listener->settings->address] = listener->acceptor.local_endpoint().port();
        }
    }
    asio::dispatch(state_->strand, [state = state_, opened = std::move(opened)] {
        for (const auto& listener : opened) {
            state->begin_accepting(listener);
        }
    });
}

std::vector<unsigned short> Server::bound_ports() const {
    std::lock_guard lock(state_->ports_mutex);
    std::vector<unsigned short> ports;
    for (const ListenerSettings& settings : state_->configured) {
        auto found = state_->bound.find(settings.address);
        ports.push_back(found == state_->bound.end() ? 0 : found->second);
    }
    return ports;
}

void Server::stop_accepting() {
    asio::dispatch(state_->strand, [state = state_] { state->close_acceptors(); });
}

void Server::shutdown(std::function<void()> on_drained) {
    asio::dispatch(state_->strand, [state = state_, on_drained = std::move(on_drained)]() mutable {
        state->close_acceptors();
        state->draining = true;
        state->on_drained = std::move(on_drained);
        log::info("smtp", "drain", {{"sessions", state->sessions.size()}});
        for (const auto& entry : state->sessions) {
            std::shared_ptr<Session> session = entry.second;
            asio::post(session->executor(), [session] { session->request_drain(); });
        }
        state->check_drained();
    });
}

void Server::replace_settings(std::vector<ListenerSettings> listeners) {
    check_unique_addresses(listeners);
    std::map<std::string, std::shared_ptr<Listener>> opened;
    for (const ListenerSettings& settings : listeners) {
        server::check_settings(settings);
        if (!state_->bound.contains(settings.address) && !opened.contains(settings.address)) {
            opened[settings.address] = server::open_listener(settings, state_->strand);
        }
    }
    {
        std::lock_guard lock(state_->ports_mutex);
        std::erase_if(state_->bound, [&](const auto& entry) {
            return std::none_of(listeners.begin(), listeners.end(), [&](const auto& settings) {
                return settings.address == entry.first;
            });
        });
        for (const auto& [address, listener] : opened) {
            state_->bound[address] = listener->acceptor.local_endpoint().port();
        }
    }
    state_->configured = listeners;
    asio::dispatch(state_->strand,
                   [state = state_, listeners = std::move(listeners), opened = std::move(opened)] {
                       state->apply_settings(listeners, opened);
                   });
}

std::size_t Server::active_sessions() const {
    return state_->active.load();
}

}  // namespace sealpost::smtp
