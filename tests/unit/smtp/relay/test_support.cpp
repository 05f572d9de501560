#include "test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>

namespace sealpost::testing {

NextHopOptions RelayTest::quick_options() {
    NextHopOptions options;
    options.helo_name = "relay.test";
    options.connect_timeout = std::chrono::seconds(5);
    options.command_timeout = std::chrono::seconds(5);
    return options;
}

std::unique_ptr<NextHop> RelayTest::make_hop(const std::string& uri, NextHopOptions options) {
    return smtp::make_next_hop(uri, io_.get_executor(), blocking_.get_executor(),
                               std::move(options));
}

std::vector<RecipientOutcome> RelayTest::deliver(NextHop& hop, const OutgoingMessage& message) {
    return deliver_together(hop, {message}).at(0);
}

std::vector<std::vector<RecipientOutcome>> RelayTest::deliver_together(
    NextHop& hop, const std::vector<OutgoingMessage>& messages) {
    std::size_t done = 0;
    std::exception_ptr failure;
    std::vector<std::vector<RecipientOutcome>> outcomes(messages.size());
    for (std::size_t i = 0; i < messages.size(); ++i) {
        boost::asio::co_spawn(
            io_, hop.deliver(messages[i]),
            [&, i](std::exception_ptr error, std::vector<RecipientOutcome> result) {
                if (error) {
                    failure = error;
                }
                outcomes[i] = std::move(result);
                ++done;
            });
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (done < messages.size() && std::chrono::steady_clock::now() < deadline) {
        io_.restart();
        io_.run_one_for(std::chrono::milliseconds(100));
    }
    if (done < messages.size()) {
        ADD_FAILURE() << "deliveries did not finish within 60 s";
    }
    if (failure) {
        std::rethrow_exception(failure);
    }
    return outcomes;
}

OutgoingMessage sample_message(std::vector<std::string> recipients) {
    OutgoingMessage message;
    message.queue_id = "4F2A1";
    message.sender = "alice@example.org";
    message.recipients = std::move(recipients);
    message.data =
        "From: alice@example.org\r\nTo: bob@peer.test\r\nSubject: test\r\n\r\nHello.\r\n";
    return message;
}

void greet(Peer& peer, const std::vector<std::string>& keywords) {
    peer.send("220 fake.test ESMTP");
    peer.expect("EHLO relay.test");
    if (keywords.empty()) {
        peer.send("250 fake.test");
        return;
    }
    peer.send("250-fake.test");
    for (std::size_t i = 0; i < keywords.size(); ++i) {
        peer.send((i + 1 == keywords.size() ? "250 " : "250-") + keywords[i]);
    }
}

std::string accept_transaction(Peer& peer, const OutgoingMessage& message) {
    peer.expect("MAIL FROM:<" + message.sender + ">");
    peer.send("250 2.1.0 Ok");
    for (const auto& recipient : message.recipients) {
        peer.expect("RCPT TO:<" + recipient + ">");
        peer.send("250 2.1.5 Ok");
    }
    peer.expect("DATA");
    peer.send("354 End data with <CR><LF>.<CR><LF>");
    return peer.read_data();
}

std::uint16_t unused_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
}

}  // namespace sealpost::testing
