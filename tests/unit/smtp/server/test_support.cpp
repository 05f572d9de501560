// Shared pieces of the SMTP server tests (see test_support.hpp).
#include "test_support.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <future>
#include <stdexcept>

#include "support/temp_dir.hpp"

namespace sealpost::smtp::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

asio::awaitable<Reply> FakeHandler::deliver(Transaction transaction) {
    std::chrono::milliseconds delay;
    Reply reply;
    bool throws;
    {
        std::lock_guard lock(mutex_);
        transactions_.push_back(std::move(transaction));
        delay = delay_;
        reply = reply_;
        throws = throws_;
    }
    changed_.notify_all();
    if (throws) {
        throw std::runtime_error("the fake handler was told to throw");
    }
    if (delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, delay);
        co_await timer.async_wait(asio::use_awaitable);
    }
    co_return reply;
}

asio::awaitable<bool> FakeHandler::authenticate(std::string user, Secret password) {
    {
        std::lock_guard lock(mutex_);
        auth_users_.push_back(user);
    }
    co_return user == "alice" && password.reveal() == "secret";
}

asio::awaitable<std::optional<Reply>> FakeHandler::check_recipient(std::string queue_id,
                                                                   std::string recipient,
                                                                   Role role) {
    (void)role;
    {
        std::lock_guard lock(mutex_);
        checked_recipients_.push_back(queue_id + " " + recipient);
    }
    if (recipient.starts_with("nobody@")) {
        co_return Reply{550, "5.1.1", "No such user"};
    }
    co_return std::nullopt;
}

std::vector<std::string> FakeHandler::checked_recipients() const {
    std::lock_guard lock(mutex_);
    return checked_recipients_;
}

std::vector<Transaction> FakeHandler::transactions() const {
    std::lock_guard lock(mutex_);
    return transactions_;
}

std::vector<std::string> FakeHandler::auth_users() const {
    std::lock_guard lock(mutex_);
    return auth_users_;
}

bool FakeHandler::wait_for_deliveries(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return transactions_.size() >= count; });
}

void FakeHandler::set_reply(Reply reply) {
    std::lock_guard lock(mutex_);
    reply_ = std::move(reply);
}

void FakeHandler::set_throw(bool throws) {
    std::lock_guard lock(mutex_);
    throws_ = throws;
}

void FakeHandler::set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
}

ListenerSettings test_listener(Role role) {
    ListenerSettings settings;
    settings.address = "127.0.0.1:0";
    settings.role = role;
    settings.hostname = "mx.test";
    settings.limits.command_timeout = std::chrono::seconds(5);
    settings.limits.data_timeout = std::chrono::seconds(5);
    return settings;
}

TestServer::TestServer(std::vector<ListenerSettings> listeners)
    : server(io.get_executor(), std::move(listeners), handler), work_(io.get_executor()) {
    server.start();
    for (int i = 0; i < 2; ++i) {
        threads_.emplace_back([this] { io.run(); });
    }
}

TestServer::~TestServer() {
    server.stop_accepting();
    work_.reset();
    io.stop();
    for (std::thread& thread : threads_) {
        thread.join();
    }
}

void TestServer::run_on_io(std::function<void()> action) {
    std::promise<void> done;
    asio::post(io, [&] {
        action();
        done.set_value();
    });
    done.get_future().wait();
}

Client::Client(unsigned short port) : socket_(io_), tls_context_(asio::ssl::context::tls_client) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    socket_.set_option(tcp::no_delay(true));  // no Nagle delay between a test's small writes
    timeval timeout{5, 0};
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
}

void Client::send(std::string_view bytes) {
    if (tls_) {
        asio::write(*tls_, asio::buffer(bytes.data(), bytes.size()));
    } else {
        asio::write(socket_, asio::buffer(bytes.data(), bytes.size()));
    }
}

std::size_t Client::read_some(char* into, std::size_t size, boost::system::error_code& error) {
    return tls_ ? tls_->read_some(asio::buffer(into, size), error)
                : socket_.read_some(asio::buffer(into, size), error);
}

std::string Client::read_reply() {
    std::string reply;
    for (;;) {
        std::size_t end = buffer_.find("\r\n");
        if (end != std::string::npos) {
            std::string line = buffer_.substr(0, end + 2);
            buffer_.erase(0, end + 2);
            reply += line;
            if (line.size() < 4 || line[3] != '-') {
                return reply;
            }
            continue;
        }
        char chunk[4096];
        boost::system::error_code error;
        std::size_t size = read_some(chunk, sizeof chunk, error);
        if (error) {
            throw std::runtime_error("reading a reply failed: " + error.message() +
                                     " after: " + reply + buffer_);
        }
        buffer_.append(chunk, size);
    }
}

std::string Client::command(std::string_view line) {
    send(std::string(line) + "\r\n");
    return read_reply();
}

bool Client::closed_by_server() {
    if (!buffer_.empty()) {
        return false;
    }
    char chunk[256];
    boost::system::error_code error;
    std::size_t size = read_some(chunk, sizeof chunk, error);
    buffer_.append(chunk, size);
    return size == 0 && (error == asio::error::eof || error == asio::error::connection_reset ||
                         error == asio::ssl::error::stream_truncated);
}

void Client::start_tls() {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, tls_context_);
    tls_->set_verify_mode(asio::ssl::verify_none);
    tls_->handshake(asio::ssl::stream_base::client);
}

int code_of(const std::string& reply) {
    if (reply.size() < 3) {
        return 0;
    }
    return std::atoi(reply.substr(0, 3).c_str());
}

namespace {

std::string read_bio(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

TestCertificate make_self_signed_certificate() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* certificate = X509_new();
    if (key == nullptr || certificate == nullptr) {
        throw std::runtime_error("OpenSSL could not make a test key");
    }
    X509_set_version(certificate, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate), 0);
    X509_gmtime_adj(X509_getm_notAfter(certificate), 24 * 3600);
    X509_set_pubkey(certificate, key);
    X509_NAME* name = X509_get_subject_name(certificate);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(certificate, name);
    if (X509_sign(certificate, key, EVP_sha256()) == 0) {
        throw std::runtime_error("OpenSSL could not sign the test certificate");
    }
    TestCertificate made;
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, certificate);
    made.certificate_pem = read_bio(bio);
    BIO_free(bio);
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    made.private_key_pem = read_bio(bio);
    BIO_free(bio);
    X509_free(certificate);
    EVP_PKEY_free(key);
    return made;
}

std::shared_ptr<asio::ssl::context> make_test_tls_context() {
    TestCertificate made = make_self_signed_certificate();
    sealpost::testing::TempDir dir;
    std::ofstream(dir.path() / "cert.pem") << made.certificate_pem;
    std::ofstream(dir.path() / "key.pem") << made.private_key_pem;
    return make_tls_context((dir.path() / "cert.pem").string(), (dir.path() / "key.pem").string());
}

}  // namespace sealpost::smtp::testing
