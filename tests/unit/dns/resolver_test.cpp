// The DNS layer's own parts: TXT data, upstream addresses, and a query to a server that never
// answers, which must come back as a timeout by the deadline (ub_cancel path).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/resolver.hpp"
#include "dns/unbound_resolver.hpp"

namespace sealpost::dns {
namespace {

using namespace std::chrono_literals;

TEST(TxtData, JoinsTheStringsOfOneRecord) {
    std::string out;
    ASSERT_TRUE(join_txt_strings(std::string("\x06v=pka1\x04;fpr", 12), out));
    EXPECT_EQ(out, "v=pka1;fpr");
}

TEST(TxtData, RefusesALengthBeyondTheData) {
    std::string out;
    EXPECT_FALSE(join_txt_strings(std::string("\x09short", 6), out));
}

TEST(UpstreamAddress, BecomesUnboundsAtForm) {
    EXPECT_EQ(unbound_address("192.0.2.1"), "192.0.2.1@53");
    EXPECT_EQ(unbound_address("127.0.0.1:5353"), "127.0.0.1@5353");
    EXPECT_EQ(unbound_address("[::1]:5353"), "::1@5353");
    EXPECT_EQ(unbound_address("[2001:db8::1]"), "2001:db8::1@53");
    EXPECT_EQ(unbound_address("2001:db8::1"), "2001:db8::1@53");
}

// A UDP socket on loopback that takes questions and never answers them.
class SilentServer {
public:
    SilentServer() {
        fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
    }
    ~SilentServer() { ::close(fd_); }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

TEST(UnboundResolver, ASilentServerIsATimeoutByTheDeadline) {
    SilentServer server;
    UnboundResolver resolver(
        {.upstream = "127.0.0.1:" + std::to_string(server.port()), .timeout = 5000ms});
    auto start = std::chrono::steady_clock::now();
    auto answer = resolver.query("nobody.example", RecordType::Txt, start + 400ms);
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(answer.status, Status::Timeout) << answer.error;
    EXPECT_GE(took, 400ms);
    EXPECT_LT(took, 1500ms);
}

TEST(UnboundResolver, ThePerQueryTimeoutBoundsALaterDeadline) {
    SilentServer server;
    UnboundResolver resolver(
        {.upstream = "127.0.0.1:" + std::to_string(server.port()), .timeout = 300ms});
    auto start = std::chrono::steady_clock::now();
    auto answer = resolver.query("nobody.example", RecordType::A, start + 10s);
    EXPECT_EQ(answer.status, Status::Timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST(UnboundResolver, ABadUpstreamIsRefusedAtConstruction) {
    EXPECT_ANY_THROW(UnboundResolver({.upstream = "not-an-address"}));
}

}  // namespace
}  // namespace sealpost::dns
