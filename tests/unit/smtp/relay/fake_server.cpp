#include "fake_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <stdexcept>

namespace sealpost::testing {

namespace {

constexpr int io_wait_ms = 10'000;

// A client that hangs up must not kill the test process while the server writes.
[[maybe_unused]] const bool sigpipe_ignored = [] {
    std::signal(SIGPIPE, SIG_IGN);
    return true;
}();

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

void set_io_timeouts(int fd) {
    timeval limit{io_wait_ms / 1000, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
}

bool wait_readable(int fd, int milliseconds) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, milliseconds) > 0;
}

}  // namespace

Peer::Peer(int fd) : fd_(fd) {
    set_io_timeouts(fd_);
}

Peer::~Peer() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
    ::close(fd_);
}

void Peer::send(std::string_view line) {
    send_raw(std::string(line) + "\r\n");
}

void Peer::send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
        long sent = ssl_ != nullptr ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
                                    : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent <= 0) {
            fail("fake server: send");
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::size_t Peer::receive_more() {
    char buffer[4096];
    long got = ssl_ != nullptr ? SSL_read(ssl_, buffer, sizeof buffer)
                               : ::recv(fd_, buffer, sizeof buffer, 0);
    if (got < 0) {
        fail("fake server: receive");
    }
    inbox_.append(buffer, static_cast<std::size_t>(got));
    return static_cast<std::size_t>(got);
}

std::string Peer::read_line() {
    for (;;) {
        auto end = inbox_.find("\r\n");
        if (end != std::string::npos) {
            auto line = inbox_.substr(0, end);
            inbox_.erase(0, end + 2);
            return line;
        }
        if (receive_more() == 0) {
            throw std::runtime_error("fake server: the client closed the connection; had \"" +
                                     inbox_ + "\"");
        }
    }
}

void Peer::expect(std::string_view line) {
    auto got = read_line();
    if (got != line) {
        throw std::runtime_error("fake server: expected \"" + std::string(line) + "\", got \"" +
                                 got + "\"");
    }
}

std::string Peer::read_data() {
    std::string data;
    for (;;) {
        auto line = read_line();
        data += line + "\r\n";
        if (line == ".") {
            return data;
        }
    }
}

std::string Peer::unread_input(std::chrono::milliseconds wait, std::string_view until) {
    auto deadline = std::chrono::steady_clock::now() + wait;
    while (inbox_.find(until) == std::string::npos) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !wait_readable(fd_, static_cast<int>(left.count())) ||
            receive_more() == 0) {
            break;
        }
    }
    return inbox_;
}

bool Peer::wait_for_close() {
    try {
        while (receive_more() != 0) {
        }
        return true;
    } catch (const std::runtime_error&) {
        return false;  // nothing for 10 s: the client kept the connection open
    }
}

void Peer::start_tls(SSL_CTX* context) {
    ssl_ = SSL_new(context);
    SSL_set_fd(ssl_, fd_);
    if (SSL_accept(ssl_) != 1) {
        throw std::runtime_error("fake server: TLS handshake failed");
    }
}

FakeServer::FakeServer(Script script, int connections) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        fail("fake server: listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread(&FakeServer::serve, this, std::move(script), connections);
}

FakeServer::FakeServer(const std::filesystem::path& socket_path, Script script, int connections) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
    if (listen_fd_ < 0 ||
        ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listen_fd_, 16) != 0) {
        fail("fake server: listen on " + socket_path.string());
    }
    thread_ = std::thread(&FakeServer::serve, this, std::move(script), connections);
}

FakeServer::~FakeServer() {
    join();
    ::close(listen_fd_);
}

std::string FakeServer::uri(std::string_view scheme) const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(port_);
}

void FakeServer::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

std::vector<std::string> FakeServer::failures() const {
    std::lock_guard lock(mutex_);
    return failures_;
}

bool FakeServer::connection_waiting() const {
    return wait_readable(listen_fd_, 0);
}

void FakeServer::record_failure(std::string what) {
    std::lock_guard lock(mutex_);
    failures_.push_back(std::move(what));
}

void FakeServer::serve(Script script, int connections) {
    for (int i = 0; i < connections; ++i) {
        if (!wait_readable(listen_fd_, io_wait_ms)) {
            record_failure("connection " + std::to_string(i) + " never came");
            return;
        }
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            record_failure("accept failed");
            return;
        }
        ++accepted_;
        Peer peer(fd);
        try {
            script(peer, i);
        } catch (const Hangup&) {
            // the script meant to drop the connection
        } catch (const std::exception& e) {
            record_failure("connection " + std::to_string(i) + ": " + e.what());
        }
    }
}

SSL_CTX* make_self_signed_context() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* certificate = X509_new();
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 3600);
    X509_set_pubkey(certificate, key);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    SSL_CTX* context = SSL_CTX_new(TLS_server_method());
    if (key == nullptr || X509_sign(certificate, key, EVP_sha256()) == 0 || context == nullptr ||
        SSL_CTX_use_certificate(context, certificate) != 1 ||
        SSL_CTX_use_PrivateKey(context, key) != 1) {
        throw std::runtime_error("cannot make a self-signed certificate");
    }
    X509_free(certificate);
    EVP_PKEY_free(key);
    return context;
}

}  // namespace sealpost::testing
