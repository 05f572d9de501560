// An SMTP load generator over loopback: `clients` concurrent sessions share `messages`
// messages, each session sending one after another on one connection (RSET-free: a new MAIL
// after each 250), as a front MTA's content filter connections do. Every message has a unique
// Message-ID so the receiving side can be checked for loss and duplicates.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace sealpost::bench {

struct LoadSpec {
    std::string host = "127.0.0.1";
    unsigned short port = 0;
    std::size_t clients = 1;
    std::size_t messages = 100;
    std::size_t body_bytes = 4096;
    std::string sender = "alice@sealpost.test";
    std::string recipient = "carol@remote.test";
    std::string subject = "load";
    std::string id_prefix = "load";  // Message-ID <PREFIX.N@sealpost.bench>
    double retry_seconds = 0;        // retry a 4xx or broken session for this long; 0: never
};

struct LoadResult {
    std::size_t accepted = 0;   // 250 after DATA
    std::size_t temporary = 0;  // 4xx (counted per attempt)
    std::size_t permanent = 0;  // 5xx
    std::size_t broken = 0;     // connection errors (counted per attempt)
    double seconds = 0;
    std::vector<double> latencies;         // per accepted message, seconds, MAIL to 250
    std::vector<std::string> accepted_ids;  // Message-IDs that got 250
};

// Runs the load on its own io_context with one thread; returns when every message got a final
// answer or its retries ran out.
LoadResult run_load(const LoadSpec& spec);

}  // namespace sealpost::bench
