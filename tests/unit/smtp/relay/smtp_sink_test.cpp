// The SMTP next hop against Postfix's own smtp-sink(1): a real server's PIPELINING, XFORWARD
// (accepted; smtp-sink does not dump it), 8BITMIME and dot handling. Skipped where Postfix is not
// installed.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/temp_dir.hpp"
#include "test_support.hpp"

extern char** environ;

namespace sealpost::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* smtp_sink = "/usr/sbin/smtp-sink";

// smtp-sink on 127.0.0.1:port, dumping each message into `dump_dir`; stopped by its pid.
class SmtpSink {
public:
    SmtpSink(std::uint16_t port, const fs::path& dump_dir) {
        std::vector<std::string> args = {smtp_sink};
        if (::geteuid() == 0) {
            args.insert(args.end(), {"-u", "postfix"});  // it refuses to run as root
        }
        args.insert(args.end(),
                    {"-d", (dump_dir / "%M.").string(), "127.0.0.1:" + std::to_string(port), "10"});
        std::vector<char*> argv;
        for (auto& arg : args) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        if (::posix_spawn(&pid_, smtp_sink, nullptr, nullptr, argv.data(), environ) != 0) {
            pid_ = -1;
        }
    }
    ~SmtpSink() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    SmtpSink(const SmtpSink&) = delete;
    SmtpSink& operator=(const SmtpSink&) = delete;

    bool started() const { return pid_ > 0; }

private:
    pid_t pid_ = -1;
};

bool wait_until_listening(std::uint16_t port) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        boost::asio::io_context io;
        boost::asio::ip::tcp::socket socket(io);
        boost::system::error_code ec;
        socket.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
        if (!ec) {
            return true;
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

std::string wait_for_dump(const fs::path& dir) {
    for (int attempt = 0; attempt < 100; ++attempt) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream content;
            content << in.rdbuf();
            if (content.str().find("end of test\n") != std::string::npos) {
                return content.str();
            }
        }
        std::this_thread::sleep_for(50ms);
    }
    return {};
}

using SmtpSinkTest = RelayTest;

TEST_F(SmtpSinkTest, DeliversToPostfixSmtpSink) {
    if (::access(smtp_sink, X_OK) != 0) {
        GTEST_SKIP() << "Postfix's smtp-sink is not installed";
    }
    if (::geteuid() == 0 && ::getpwnam("postfix") == nullptr) {
        GTEST_SKIP() << "smtp-sink needs the postfix user when run as root";
    }
    TempDir dump;
    fs::permissions(dump.path(), fs::perms::all);  // smtp-sink writes as postfix
    auto port = unused_port();
    SmtpSink sink(port, dump.path());
    ASSERT_TRUE(sink.started());
    ASSERT_TRUE(wait_until_listening(port));

    auto message = sample_message({"bob@peer.test", "carol@peer.test"});
    message.client_address = "192.0.2.7";
    message.client_name = "client.example";
    message.client_helo = "client.example";
    message.data = "Subject: sink\r\n\r\n.leading dot\r\n..two\r\nend of test\r\n";
    auto hop = make_hop("smtp://127.0.0.1:" + std::to_string(port));
    auto outcomes = deliver(*hop, message);

    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].code, 250) << outcomes[0].text;
    EXPECT_EQ(outcomes[1].code, 250) << outcomes[1].text;
    auto dumped = wait_for_dump(dump.path());
    EXPECT_NE(dumped.find("X-Mail-Args: <alice@example.org> BODY=8BITMIME\n"), std::string::npos)
        << dumped;
    EXPECT_NE(dumped.find("X-Rcpt-Args: <bob@peer.test>\n"), std::string::npos) << dumped;
    EXPECT_NE(dumped.find("X-Rcpt-Args: <carol@peer.test>\n"), std::string::npos) << dumped;
    EXPECT_NE(dumped.find("\n.leading dot\n..two\nend of test\n"), std::string::npos) << dumped;
}

}  // namespace
}  // namespace sealpost::testing
