// libcurl fetches against a one-shot HTTP server on loopback: the body cap aborts the
// transfer, a redirect is not followed, the pinned address is the one connected to, and
// anything but http(s) is not even a URL to us.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "discovery/fetcher.hpp"

namespace sealpost::discovery {
namespace {

// Accepts one connection on 127.0.0.1, reads the request head, writes `response`, closes.
class OneShotServer {
public:
    explicit OneShotServer(std::string response) : response_(std::move(response)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        ::listen(listener_, 1);
        socklen_t length = sizeof address;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~OneShotServer() {
        ::shutdown(listener_, SHUT_RDWR);
        thread_.join();
        ::close(listener_);
    }
    int port() const { return port_; }

private:
    void serve() {
        int peer = ::accept(listener_, nullptr, nullptr);
        if (peer < 0)
            return;
        char buffer[4096];
        [[maybe_unused]] auto got = ::recv(peer, buffer, sizeof buffer, 0);
        for (std::size_t sent = 0; sent < response_.size();) {
            auto n = ::send(peer, response_.data() + sent, response_.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                break;
            sent += static_cast<std::size_t>(n);
        }
        ::close(peer);
    }

    std::string response_;
    int listener_ = -1;
    int port_ = 0;
    std::thread thread_;
};

std::string ok_response(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body;
}

FetchRequest request_to(const OneShotServer& server, std::size_t max_bytes = 1024) {
    auto port = std::to_string(server.port());
    return {.url = "http://keys.example.invalid:" + port + "/k",
            .pinned = {"keys.example.invalid:" + port + ":127.0.0.1"},
            .max_bytes = max_bytes};
}

TEST(CurlFetcher, FetchesThroughThePinnedAddress) {
    OneShotServer server(ok_response("key bytes"));
    auto result = CurlFetcher().fetch(request_to(server));
    EXPECT_TRUE(result.ok) << result.error;
    EXPECT_EQ(result.body, "key bytes");
}

TEST(CurlFetcher, ABodyOverTheCapIsAbortedAndHostile) {
    OneShotServer server(ok_response(std::string(8 << 20, 'x')));
    auto result = CurlFetcher().fetch(request_to(server, 4096));
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.hostile);
    EXPECT_TRUE(result.body.empty());
    EXPECT_NE(result.error.find("over the limit of 4096 bytes"), std::string::npos) << result.error;
}

TEST(CurlFetcher, ARedirectIsNotFollowed) {
    OneShotServer server(
        "HTTP/1.1 302 Found\r\nLocation: file:///etc/passwd\r\nContent-Length: 0\r\n\r\n");
    auto result = CurlFetcher().fetch(request_to(server));
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.hostile);
    EXPECT_EQ(result.status, 302);
}

TEST(HttpUrl, OnlyHttpAndHttpsWithTheirDefaultPorts) {
    auto url = parse_http_url("https://Keys.Example.net/x?l=a");
    ASSERT_TRUE(url);
    EXPECT_EQ(url->scheme, "https");
    EXPECT_EQ(url->port, 443);
    EXPECT_EQ(parse_http_url("http://k.example:8080/")->port, 8080);
    EXPECT_FALSE(parse_http_url("file:///etc/passwd"));
    EXPECT_FALSE(parse_http_url("ftp://k.example/key"));
    EXPECT_FALSE(parse_http_url("not a url"));
}

}  // namespace
}  // namespace sealpost::discovery
