#include "smtp_load.hpp"

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs std::exchange

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <istream>
#include <stdexcept>

namespace sealpost::bench {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string message_text(const LoadSpec& spec, std::size_t n) {
    std::string id = spec.id_prefix + "." + std::to_string(n) + "@sealpost.bench";
    std::string text = "From: <" + spec.sender + ">\r\nTo: <" + spec.recipient +
                       ">\r\nSubject: " + spec.subject + " " + std::to_string(n) +
                       "\r\nMessage-ID: <" + id + ">\r\nMIME-Version: 1.0\r\n" +
                       "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
    std::string line = "The quick brown fox jumps over the lazy dog, line of a load test.\r\n";
    while (text.size() + line.size() < spec.body_bytes) {
        text += line;
    }
    return text + ".\r\n";
}

class Session {
public:
    Session(asio::any_io_executor executor) : socket_(executor) {}

    asio::awaitable<void> connect(const LoadSpec& spec) {
        tcp::endpoint endpoint(asio::ip::make_address(spec.host), spec.port);
        co_await socket_.async_connect(endpoint, asio::use_awaitable);
        expect(co_await reply(), 220);
        co_await send("EHLO load.sealpost.bench\r\n");
        expect(co_await reply(), 250);
    }

    // The reply code after the data; throws on a broken connection.
    asio::awaitable<int> transaction(const LoadSpec& spec, const std::string& text) {
        co_await send("MAIL FROM:<" + spec.sender + ">\r\nRCPT TO:<" + spec.recipient +
                      ">\r\nDATA\r\n");
        int mail = co_await reply();
        int rcpt = co_await reply();
        int data = co_await reply();
        if (data != 354) {
            if (mail == 250 && rcpt == 250) {
                throw std::runtime_error("DATA refused");
            }
            co_await send("RSET\r\n");
            co_await reply();
            co_return mail != 250 ? mail : rcpt;
        }
        co_await send(text);
        co_return co_await reply();
    }

    void close() {
        boost::system::error_code ignored;
        socket_.close(ignored);
    }

private:
    static void expect(int code, int wanted) {
        if (code != wanted) {
            throw std::runtime_error("unexpected reply " + std::to_string(code));
        }
    }

    asio::awaitable<void> send(const std::string& text) {
        co_await asio::async_write(socket_, asio::buffer(text), asio::use_awaitable);
    }

    asio::awaitable<int> reply() {
        for (;;) {
            co_await asio::async_read_until(socket_, input_, "\r\n", asio::use_awaitable);
            std::istream in(&input_);
            std::string line;
            std::getline(in, line);
            if (line.size() < 4) {
                throw std::runtime_error("short reply line");
            }
            if (line[3] != '-') {
                co_return std::stoi(line.substr(0, 3));
            }
        }
    }

    tcp::socket socket_;
    asio::streambuf input_;
};

struct Shared {
    const LoadSpec& spec;
    std::atomic<std::size_t> next{0};
    LoadResult result;
};

asio::awaitable<void> pause(double seconds) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds)));
    co_await timer.async_wait(asio::use_awaitable);
}

// Sends message `n` until it gets a final answer or the retry time runs out; reconnects as
// needed. Returns the session to use next (null after a failure).
asio::awaitable<std::unique_ptr<Session>> send_one(Shared& shared, std::unique_ptr<Session> session,
                                                   std::size_t n) {
    const LoadSpec& spec = shared.spec;
    std::string text = message_text(spec, n);
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                       std::chrono::duration<double>(spec.retry_seconds));
    for (;;) {
        auto started = Clock::now();
        int code = 0;
        try {
            if (!session) {
                session = std::make_unique<Session>(co_await asio::this_coro::executor);
                co_await session->connect(spec);
            }
            code = co_await session->transaction(spec, text);
        } catch (const std::exception&) {
            session.reset();
            ++shared.result.broken;
        }
        if (code == 250) {
            ++shared.result.accepted;
            shared.result.latencies.push_back(
                std::chrono::duration<double>(Clock::now() - started).count());
            shared.result.accepted_ids.push_back(spec.id_prefix + "." + std::to_string(n) +
                                                 "@sealpost.bench");
            co_return session;
        }
        if (code >= 500) {
            ++shared.result.permanent;
            co_return session;
        }
        if (code >= 400) {
            ++shared.result.temporary;
        }
        if (Clock::now() >= deadline) {
            co_return session;
        }
        co_await pause(0.2);
    }
}

asio::awaitable<void> client(Shared& shared) {
    std::unique_ptr<Session> session;
    for (;;) {
        std::size_t n = shared.next++;
        if (n >= shared.spec.messages) {
            break;
        }
        session = co_await send_one(shared, std::move(session), n);
    }
    if (session) {
        session->close();
    }
}

}  // namespace

LoadResult run_load(const LoadSpec& spec) {
    asio::io_context io;
    Shared shared{spec, {}, {}};
    auto started = Clock::now();
    for (std::size_t i = 0; i < spec.clients; ++i) {
        asio::co_spawn(io, client(shared), asio::detached);
    }
    io.run();
    shared.result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return std::move(shared.result);
}

}  // namespace sealpost::bench
