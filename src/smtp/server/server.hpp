// The SMTP listeners of `sealpost serve` (DESIGN.md §1): accept connections on each
// configured address, keep the connection limits, run one Session per connection, and drain
// on shutdown so that no message in flight is cut off.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "smtp/server/handler.hpp"
#include "smtp/server/settings.hpp"
#include "smtp/server/tls_context.hpp"

namespace sealpost::smtp {

// Threads: the server's own state lives on a strand of `executor`, each session on a strand
// of its own, so the io_context may run on several threads. The methods below may be called
// from any one thread at a time (the main thread, a signal handler's completion); those that
// change running state hand the change to the strand and return at once.
class Server {
public:
    // Nothing is bound until start(). `handler` must outlive every session: keep it until
    // shutdown() has reported the drain, or until the io_context has stopped.
    Server(boost::asio::any_io_executor executor, std::vector<ListenerSettings> listeners,
           Handler& handler);
    // Closes the listeners; sessions still running go on to their end.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds every listener and starts accepting. Throws sealpost::Error naming the address and
    // the reason when an address is malformed or cannot be bound (BadInput; Conflict when it
    // is in use), or a listener's settings make no sense; then nothing stays bound.
    void start();

    // The bound port of each listener, in the order of the settings (port 0 resolved).
    std::vector<unsigned short> bound_ports() const;

    // Closes the listeners: new connections are refused by the system; sessions go on.
    void stop_accepting();

    // For SIGTERM: stops accepting, tells every session to finish (an idle one gets 421 and
    // closes; one in DATA or awaiting the handler finishes its message first), and calls
    // `on_drained` on the server's strand once no session is left.
    void shutdown(std::function<void()> on_drained);

    // For SIGHUP: new settings for connections accepted from now on; running sessions keep
    // theirs. Listeners are matched by address: a new address is bound (throws as start()
    // does, before anything changes), an address no longer listed stops accepting.
    void replace_settings(std::vector<ListenerSettings> listeners);

    // Sessions running now, on all listeners (for metrics).
    std::size_t active_sessions() const;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace sealpost::smtp
