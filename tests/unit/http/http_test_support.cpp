#include "http_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace sealpost::http::testing {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::steady_clock;

Client::Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

Client::~Client() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool Client::send(std::string_view data) {
    while (!data.empty()) {
        auto sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) {
            continue;
        }
        if (sent <= 0) {
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

long Client::receive(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
        return 0;
    }
    pollfd waiting{fd_, POLLIN, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready == 0 || (ready < 0 && errno == EINTR)) {
        return 0;
    }
    char buf[16384];
    auto got = ::recv(fd_, buf, sizeof buf, 0);
    if (got <= 0) {
        return -1;
    }
    pending_.append(buf, static_cast<std::size_t>(got));
    return got;
}

std::optional<ClientResponse> Client::read_response(std::chrono::milliseconds timeout, bool head) {
    auto deadline = Clock::now() + timeout;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.eager(true);
    parser.skip(head);
    parser.body_limit(16u << 20);
    for (;;) {
        boost::beast::error_code ec;
        if (!pending_.empty()) {
            auto used = parser.put(boost::asio::buffer(pending_), ec);
            pending_.erase(0, used);
            if (parser.is_done()) {
                return parser.release();
            }
            if (ec && ec != bhttp::error::need_more) {
                ADD_FAILURE() << "malformed response: " << ec.message();
                return std::nullopt;
            }
        }
        auto got = receive(deadline);
        if (got == 0 && Clock::now() >= deadline) {
            return std::nullopt;
        }
        if (got < 0) {
            parser.put_eof(ec);
            return parser.is_done() && !ec ? std::optional(parser.release()) : std::nullopt;
        }
    }
}

std::optional<std::string> Client::read_until(std::string_view terminator,
                                              std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto at = pending_.find(terminator);
        if (at != std::string::npos) {
            auto text = pending_.substr(0, at + terminator.size());
            pending_.erase(0, text.size());
            return text;
        }
        auto got = receive(deadline);
        if (got < 0 || (got == 0 && Clock::now() >= deadline)) {
            return std::nullopt;
        }
    }
}

bool Client::wait_closed(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto got = receive(deadline);
        if (got < 0) {
            return true;
        }
        if (got == 0 && Clock::now() >= deadline) {
            return false;
        }
        pending_.clear();
    }
}

std::optional<ClientResponse> exchange(std::uint16_t port, std::string_view request) {
    Client client(port);
    if (!client.connected() || !client.send(request)) {
        ADD_FAILURE() << "cannot send to 127.0.0.1:" << port;
        return std::nullopt;
    }
    return client.read_response();
}

void HttpServerTest::start(HttpServerOptions options) {
    options.listen = "127.0.0.1:0";
    server_.emplace(io_, std::move(options), registry_);
    if (routes_) {
        routes_(*server_);
    }
    server_->start();
    std::promise<void> done;
    finished_ = done.get_future();
    runner_ = std::thread([this, done = std::move(done)]() mutable {
        io_.run();
        done.set_value();
    });
}

void HttpServerTest::TearDown() {
    if (!server_) {
        return;
    }
    server_->stop();
    // Stopping ends every coroutine, so the io_context runs out of work on its own.
    if (finished_.wait_for(10s) != std::future_status::ready) {
        ADD_FAILURE() << "the server's io_context still had work 10 s after stop()";
        io_.stop();
    }
    runner_.join();
    server_.reset();
}

}  // namespace sealpost::http::testing
