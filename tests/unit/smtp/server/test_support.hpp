// What the SMTP server tests share: a fake Handler, a server running on its own thread on
// 127.0.0.1, a small blocking SMTP client that can speak TLS, and a self-signed certificate
// made with the OpenSSL API.
#pragma once

// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "smtp/server/handler.hpp"
#include "smtp/server/server.hpp"

namespace sealpost::smtp::testing {

// Records every transaction and AUTH attempt; accepts "alice" with password "secret"; refuses
// every recipient whose local part is "nobody".
class FakeHandler : public Handler {
public:
    boost::asio::awaitable<Reply> deliver(Transaction transaction) override;
    boost::asio::awaitable<bool> authenticate(std::string user, Secret password) override;
    boost::asio::awaitable<std::optional<Reply>> check_recipient(std::string queue_id,
                                                                 std::string recipient,
                                                                 Role role) override;

    std::vector<Transaction> transactions() const;
    std::vector<std::string> auth_users() const;
    // "queue ID recipient" of every check_recipient() call.
    std::vector<std::string> checked_recipients() const;
    // Waits until deliver() has been entered `count` times in all.
    bool wait_for_deliveries(std::size_t count, std::chrono::milliseconds timeout);

    void set_reply(Reply reply);
    // deliver() waits this long before replying, as a real pipeline would.
    void set_delay(std::chrono::milliseconds delay);
    // deliver() throws, as Handler promises it never does.
    void set_throw(bool throws);

private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Transaction> transactions_;
    std::vector<std::string> auth_users_;
    std::vector<std::string> checked_recipients_;
    Reply reply_{250, "2.0.0", "Ok: queued"};
    std::chrono::milliseconds delay_{0};
    bool throws_ = false;
};

// Settings for a listener on 127.0.0.1, a free port, with short timeouts.
ListenerSettings test_listener(Role role = Role::Submission);

// A server with a FakeHandler, its io_context run by two threads of its own.
class TestServer {
public:
    explicit TestServer(std::vector<ListenerSettings> listeners);
    explicit TestServer(ListenerSettings listener)
        : TestServer(std::vector<ListenerSettings>{std::move(listener)}) {}
    ~TestServer();

    unsigned short port(std::size_t listener = 0) const { return server.bound_ports()[listener]; }
    // Runs `action` on the io_context and waits for it, so that what it did has happened.
    void run_on_io(std::function<void()> action);

    boost::asio::io_context io;
    FakeHandler handler;
    Server server;

private:
    boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
    std::vector<std::thread> threads_;
};

// A blocking SMTP client on 127.0.0.1. Every read gives up after 5 seconds (the test fails
// rather than hangs).
class Client {
public:
    explicit Client(unsigned short port);

    void send(std::string_view bytes);
    // One whole reply, every line with its CRLF.
    std::string read_reply();
    // Sends one command line (CRLF added) and reads its reply.
    std::string command(std::string_view line);
    // True when the server closed the connection with nothing more to read.
    bool closed_by_server();
    // The TLS client handshake (no certificate check: the test's certificate is self-signed).
    void start_tls();
    bool tls() const { return tls_ != nullptr; }

private:
    std::size_t read_some(char* into, std::size_t size, boost::system::error_code& error);

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::ssl::context tls_context_;
    std::unique_ptr<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    std::string buffer_;
};

// The three-digit code a reply starts with; 0 if it does not.
int code_of(const std::string& reply);

struct TestCertificate {
    std::string certificate_pem;
    std::string private_key_pem;
};
// A P-256 key and a self-signed certificate for "localhost", valid for a day.
TestCertificate make_self_signed_certificate();
// A server TLS context with a fresh self-signed certificate.
std::shared_ptr<boost::asio::ssl::context> make_test_tls_context();

}  // namespace sealpost::smtp::testing
