// The real resolver: libunbound with DNSSEC validation, asking only the configured upstream.
// One object per worker thread is the intended use: a query blocks its caller, and calls on
// one object are serialised by a mutex (safe to share, but then one query at a time).
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "dns/resolver.hpp"

struct ub_ctx;

namespace sealpost::dns {

struct UnboundOptions {
    // "IP", "IP:port" or "[IPv6]:port": every question goes to this server (a forwarder for
    // the root zone, so unbound never asks the root servers). Empty: the servers of
    // /etc/resolv.conf.
    std::string upstream;
    // DS or DNSKEY records of the trust anchor; empty or missing: no answer is secure.
    std::string trust_anchor;
    // An unbound.conf read before the settings above, for what libunbound takes only from a
    // file, such as `local-zone: "test." nodefault` (ub_ctx_set_option accepts local-zone but
    // does not apply it). Empty: none.
    std::string config_file;
    std::chrono::milliseconds timeout{3000};  // per query
};

class UnboundResolver : public Resolver {
public:
    // Throws Error(BadInput) naming the setting libunbound refused.
    explicit UnboundResolver(const UnboundOptions& options);
    ~UnboundResolver() override;
    UnboundResolver(const UnboundResolver&) = delete;
    UnboundResolver& operator=(const UnboundResolver&) = delete;

    Answer query(std::string_view name, RecordType type, Deadline deadline) override;

private:
    void configure(const UnboundOptions& options);

    ub_ctx* context_ = nullptr;
    std::chrono::milliseconds timeout_;
    std::mutex mutex_;
};

// "IP" / "IP:port" / "[IPv6]:port" as libunbound writes it: "IP@port" (port 53 if none).
std::string unbound_address(const std::string& upstream);

}  // namespace sealpost::dns
