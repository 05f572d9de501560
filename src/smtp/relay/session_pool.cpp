#include "smtp/relay/session_pool.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace sealpost::smtp {

namespace asio = boost::asio;

namespace {

asio::awaitable<void> say_goodbye(std::unique_ptr<ClientSession> session) {
    co_await session->quit();
}

}  // namespace

std::shared_ptr<SessionPool> SessionPool::make(asio::any_io_executor io, std::size_t max_idle,
                                               std::chrono::seconds idle_timeout) {
    return std::shared_ptr<SessionPool>(new SessionPool(std::move(io), max_idle, idle_timeout));
}

SessionPool::SessionPool(asio::any_io_executor io, std::size_t max_idle,
                         std::chrono::seconds idle_timeout)
    : io_(io), max_idle_(max_idle), idle_timeout_(idle_timeout), sweep_timer_(io) {}

SessionPool::~SessionPool() {
    for (auto& idle : idle_) {
        retire(std::move(idle.session));
    }
}

std::unique_ptr<ClientSession> SessionPool::take() {
    retire_expired();
    if (idle_.empty()) {
        return nullptr;
    }
    auto session = std::move(idle_.back().session);
    idle_.pop_back();
    return session;
}

void SessionPool::give_back(std::unique_ptr<ClientSession> session) {
    if (!session->usable()) {
        session->close();
        return;
    }
    retire_expired();
    if (idle_.size() >= max_idle_) {
        retire(std::move(session));
        return;
    }
    idle_.push_back({std::move(session), Clock::now()});
    schedule_sweep();
}

void SessionPool::retire(std::unique_ptr<ClientSession> session) {
    // The QUIT coroutine owns the session; it may outlive the pool and the hop.
    asio::co_spawn(io_, say_goodbye(std::move(session)), asio::detached);
}

void SessionPool::retire_expired() {
    auto now = Clock::now();
    while (!idle_.empty() && now - idle_.front().since >= idle_timeout_) {
        retire(std::move(idle_.front().session));
        idle_.pop_front();
    }
}

void SessionPool::schedule_sweep() {
    if (sweep_scheduled_ || idle_.empty()) {
        return;
    }
    sweep_scheduled_ = true;
    sweep_timer_.expires_at(idle_.front().since + idle_timeout_);
    sweep_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
        auto self = weak.lock();
        if (ec || !self) {
            return;  // the pool is going away; its destructor retires what is left
        }
        self->sweep_scheduled_ = false;
        self->retire_expired();
        self->schedule_sweep();
    });
}

}  // namespace sealpost::smtp
