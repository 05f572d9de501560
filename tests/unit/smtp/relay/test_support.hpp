// What the relay tests share: an io_context and a blocking pool to run next hops on, a sample
// message, and the standard dialogue of a scripted server.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "fake_server.hpp"
#include "smtp/relay/next_hop.hpp"

namespace sealpost::testing {

using smtp::NextHop;
using smtp::NextHopOptions;
using smtp::OutgoingMessage;
using smtp::RecipientOutcome;

class RelayTest : public ::testing::Test {
protected:
    // Short timeouts: a test that goes wrong fails in seconds.
    static NextHopOptions quick_options();

    std::unique_ptr<NextHop> make_hop(const std::string& uri,
                                      NextHopOptions options = quick_options());

    // Runs hop.deliver(message) on io_ until it finishes (at most 60 s).
    std::vector<RecipientOutcome> deliver(NextHop& hop, const OutgoingMessage& message);
    // Starts every delivery at once, then runs io_ until all finished.
    std::vector<std::vector<RecipientOutcome>> deliver_together(
        NextHop& hop, const std::vector<OutgoingMessage>& messages);

    boost::asio::io_context io_;
    boost::asio::thread_pool blocking_{1};
};

// From alice@example.org to the given recipients, a short text with CRLF line endings.
OutgoingMessage sample_message(std::vector<std::string> recipients = {"bob@peer.test"});

// The server's side up to and including the reply to EHLO: "220 ...", "250-..." and the
// given keywords.
void greet(Peer& peer, const std::vector<std::string>& keywords = {});

// The server's side of MAIL, RCPT for each recipient (250) and DATA (354) without pipelining;
// returns the data as received, up to and including the ".".
std::string accept_transaction(Peer& peer, const OutgoingMessage& message);

// A port on 127.0.0.1 where nothing listens (bound, then released).
std::uint16_t unused_port();

}  // namespace sealpost::testing
