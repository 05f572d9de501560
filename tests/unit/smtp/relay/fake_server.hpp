// A scripted SMTP/LMTP server on loopback (or a Unix socket) for the relay tests: it runs a
// script per accepted connection on its own thread, with plain blocking sockets and OpenSSL,
// so nothing in it shares code with the client under test.
#pragma once

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sealpost::testing {

// Thrown by a script to drop the connection on the spot, as a crashing server would.
struct Hangup {};

// One accepted connection, seen from the server. Every read waits at most 10 s and throws
// std::runtime_error when nothing comes, so a test that goes wrong fails instead of hanging.
class Peer {
public:
    explicit Peer(int fd);
    ~Peer();
    Peer(const Peer&) = delete;
    Peer& operator=(const Peer&) = delete;

    void send(std::string_view line);  // adds CRLF
    void send_raw(std::string_view bytes);
    std::string read_line();             // without its CRLF
    void expect(std::string_view line);  // read_line() must be exactly `line`
    // After 354: everything up to and including the line ".", as it came (still stuffed).
    std::string read_data();
    // What has arrived and not been read yet, waiting up to `wait` until it holds `until`.
    // Nothing is consumed.
    std::string unread_input(std::chrono::milliseconds wait, std::string_view until);
    // True if the client closes the connection within 10 s (reading and dropping any input).
    bool wait_for_close();
    // The server side of STARTTLS after sending 220.
    void start_tls(SSL_CTX* context);
    bool tls() const { return ssl_ != nullptr; }

private:
    std::size_t receive_more();  // 0 at end of stream

    int fd_;
    SSL* ssl_ = nullptr;
    std::string inbox_;
};

class FakeServer {
public:
    using Script = std::function<void(Peer& peer, int connection)>;

    // Listens on 127.0.0.1 at a port the kernel picks and serves `connections` connections
    // one after the other, each with `script`.
    explicit FakeServer(Script script, int connections = 1);
    // The same on a Unix socket at `socket_path`.
    FakeServer(const std::filesystem::path& socket_path, Script script, int connections = 1);
    ~FakeServer();

    std::uint16_t port() const { return port_; }
    std::string uri(std::string_view scheme = "smtp") const;

    // Waits until every connection's script ran (or the accept wait of 10 s ran out).
    void join();
    // What went wrong in scripts: unexpected lines, timeouts. Empty when all went to plan.
    std::vector<std::string> failures() const;
    int accepted() const { return accepted_; }
    // Connections waiting that the scripts never took.
    bool connection_waiting() const;

private:
    void serve(Script script, int connections);
    void record_failure(std::string what);

    int listen_fd_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<int> accepted_{0};
    mutable std::mutex mutex_;
    std::vector<std::string> failures_;
    std::thread thread_;
};

// A TLS server context with a fresh self-signed P-256 certificate for "localhost".
SSL_CTX* make_self_signed_context();

}  // namespace sealpost::testing
