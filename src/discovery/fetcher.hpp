// Fetching a key over HTTP(S). `Fetcher` is the interface; CurlFetcher the real one (libcurl).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sealpost::discovery {

struct FetchRequest {
    std::string url;  // http: or https: only
    // "host:port:address" entries: the only addresses the fetch may connect to (the caller
    // resolved the host through our own resolver).
    std::vector<std::string> pinned;
    std::size_t max_bytes = 1 << 20;  // the transfer is aborted beyond this
    std::chrono::milliseconds timeout{3000};
    std::string ca_file;  // extra trusted CAs (PEM); empty: the system's
};

// ok: status 200 and the whole body within max_bytes. Otherwise `error` says what failed:
// a redirect (never followed), another status, a timeout, a body over the limit.
struct FetchResult {
    bool ok = false;
    bool hostile = false;  // a redirect or a body over the limit, as opposed to a failure
    long status = 0;
    std::string body;
    std::string error;
};

class Fetcher {
public:
    virtual ~Fetcher() = default;
    // Never throws for a network problem.
    virtual FetchResult fetch(const FetchRequest& request) = 0;
};

struct HttpUrl {
    std::string scheme;  // "http" or "https"
    std::string host;
    int port = 0;
};

// The parts of an http(s) URL; nullopt for anything else (file:, ftp:, garbage).
std::optional<HttpUrl> parse_http_url(const std::string& url);

class CurlFetcher : public Fetcher {
public:
    CurlFetcher();
    FetchResult fetch(const FetchRequest& request) override;
};

}  // namespace sealpost::discovery
