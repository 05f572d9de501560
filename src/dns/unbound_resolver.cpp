#include "dns/unbound_resolver.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <unbound.h>

#include <algorithm>
#include <filesystem>

#include "common/error.hpp"
#include "common/log.hpp"

namespace sealpost::dns {

namespace {

void check(int rc, const std::string& what) {
    if (rc != 0) {
        throw Error(ErrorKind::BadInput, "DNS resolver: " + what + ": " + ub_strerror(rc));
    }
}

struct Pending {
    bool done = false;
    int error = 0;
    ub_result* result = nullptr;
};

void on_answer(void* argument, int error, ub_result* result) {
    auto* pending = static_cast<Pending*>(argument);
    pending->done = true;
    pending->error = error;
    pending->result = result;
}

std::string record_text(RecordType type, const char* data, int length) {
    char text[INET6_ADDRSTRLEN] = "";
    if (type == RecordType::A && length == 4) {
        inet_ntop(AF_INET, data, text, sizeof text);
        return text;
    }
    if (type == RecordType::Aaaa && length == 16) {
        inet_ntop(AF_INET6, data, text, sizeof text);
        return text;
    }
    std::string_view rdata(data, static_cast<std::size_t>(length));
    std::string joined;
    if (type == RecordType::Txt && join_txt_strings(rdata, joined))
        return joined;
    return std::string(rdata);
}

Answer to_answer(const ub_result& result, RecordType type) {
    Answer answer;
    answer.security = result.bogus    ? Security::Bogus
                      : result.secure ? Security::Secure
                                      : Security::Insecure;
    if (result.bogus && result.why_bogus != nullptr)
        answer.why_bogus = result.why_bogus;
    answer.ttl = static_cast<std::uint32_t>(std::max(result.ttl, 0));
    if (result.rcode != 0 && result.rcode != 3) {
        answer.status = Status::Failure;
        answer.error = "the server answered rcode " + std::to_string(result.rcode);
        return answer;
    }
    answer.status = result.havedata ? Status::Ok : Status::NoData;
    for (int i = 0; result.havedata && result.data[i] != nullptr; ++i) {
        answer.records.push_back(record_text(type, result.data[i], result.len[i]));
    }
    return answer;
}

}  // namespace

std::string unbound_address(const std::string& upstream) {
    if (upstream.starts_with('[')) {
        auto close = upstream.find(']');
        auto host = upstream.substr(1, close - 1);
        auto rest = close == std::string::npos ? std::string() : upstream.substr(close + 1);
        return host + "@" + (rest.starts_with(':') ? rest.substr(1) : "53");
    }
    auto colon = upstream.find(':');
    if (colon == std::string::npos || upstream.find(':', colon + 1) != std::string::npos) {
        return upstream + "@53";  // a bare IPv4 address, or a bare IPv6 one
    }
    return upstream.substr(0, colon) + "@" + upstream.substr(colon + 1);
}

UnboundResolver::UnboundResolver(const UnboundOptions& options) : timeout_(options.timeout) {
    context_ = ub_ctx_create();
    if (context_ == nullptr)
        throw Error(ErrorKind::Internal, "DNS resolver: ub_ctx_create failed");
    try {
        configure(options);
    } catch (...) {
        ub_ctx_delete(context_);
        throw;
    }
}

UnboundResolver::~UnboundResolver() {
    ub_ctx_delete(context_);
}

void UnboundResolver::configure(const UnboundOptions& options) {
    if (!options.config_file.empty())
        check(ub_ctx_config(context_, options.config_file.c_str()), options.config_file);
    // Answers arrive on a thread of libunbound's, not a forked process: the daemon has
    // threads of its own and a fork would copy them badly.
    check(ub_ctx_async(context_, 1), "async mode");
    // A local forwarder (127.0.0.1 in resolv.conf, or our tests' server) must be allowed.
    check(ub_ctx_set_option(context_, "do-not-query-localhost:", "no"), "do-not-query-localhost");
    if (options.upstream.empty()) {
        // LIMITATION: with no nameserver line in /etc/resolv.conf libunbound resolves from
        // the root servers itself; set discovery.resolver to keep lookups on a chosen server.
        check(ub_ctx_resolvconf(context_, nullptr), "/etc/resolv.conf");
    } else {
        check(ub_ctx_set_fwd(context_, unbound_address(options.upstream).c_str()),
              "resolver " + options.upstream);
    }
    if (!options.trust_anchor.empty() && std::filesystem::exists(options.trust_anchor)) {
        check(ub_ctx_add_ta_file(context_, options.trust_anchor.c_str()), options.trust_anchor);
    } else if (!options.trust_anchor.empty()) {
        log::warn("dns", "trust-anchor-missing",
                  {{"file", options.trust_anchor}, {"effect", "no answer validates as secure"}});
    }
}

Answer UnboundResolver::query(std::string_view name, RecordType type, Deadline deadline) {
    std::lock_guard lock(mutex_);
    auto stop = std::min(deadline, std::chrono::steady_clock::now() + timeout_);
    Pending pending;
    int id = 0;
    std::string qname(name);
    int rc = ub_resolve_async(context_, qname.c_str(), static_cast<int>(type), 1, &pending,
                              on_answer, &id);
    if (rc != 0) {
        return Answer{.status = Status::Failure, .error = ub_strerror(rc)};
    }
    while (!pending.done) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            stop - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            ub_cancel(context_, id);
            return Answer{.status = Status::Timeout, .error = "no answer in time"};
        }
        pollfd fd{ub_fd(context_), POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(left.count()) + 1) > 0)
            ub_process(context_);
    }
    if (pending.error != 0 || pending.result == nullptr) {
        return Answer{.status = Status::Failure, .error = ub_strerror(pending.error)};
    }
    auto answer = to_answer(*pending.result, type);
    ub_resolve_free(pending.result);
    return answer;
}

}  // namespace sealpost::dns
