// The key server (DESIGN.md §6): local users' public keys over the manual's MDPGP URL
// (/WorldClient.dll?View=MDPGP&k=KEYID), HKP (/pks/lookup) and the Web Key Directory
// (/.well-known/openpgpkey/...). Lookups run on a pool of worker threads, never on the I/O
// thread; each worker leases a keystore connection of its own.
//
// WKD's direct layout (/.well-known/openpgpkey/hu/HASH) answers for the domain in the Host
// header when it is a local domain, else for any local domain with a user of that hash.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <filesystem>

#include "http/http_server.hpp"
#include "http/keyserver/key_source.hpp"
#include "http/router.hpp"

namespace sealpost::keyserver {

struct KeyserverOptions {
    std::size_t threads = 2;
    std::size_t max_target_bytes = 1024;  // a longer request target: 414
};

class Keyserver {
public:
    explicit Keyserver(std::filesystem::path keystore_db, KeyserverOptions options = {},
                       KeySource::Clock clock = {});
    ~Keyserver();  // waits for the lookups in hand
    Keyserver(const Keyserver&) = delete;
    Keyserver& operator=(const Keyserver&) = delete;

    // Adds a GET (and so HEAD) route for every path; must outlive the server's requests.
    void add_routes(http::HttpServer& server);

    // Answers one request: refusals at once, lookups on a worker.
    boost::asio::awaitable<http::Response> answer(const http::Request& request);

    // The lookup part of answer(), on the calling thread.
    http::Response look_up(const http::Request& request);

private:
    http::Response mdpgp(const http::Request& request);
    http::Response hkp(const http::Request& request);
    http::Response wkd(const http::Request& request, std::string_view rest);
    std::vector<ServedKey> hkp_search(const std::string& search);
    std::vector<ServedKey> wkd_keys(const std::string& domain, const std::string& hash,
                                    const std::optional<std::string>& local,
                                    std::string& address);  // set to the address found

    KeyserverOptions options_;
    KeySource source_;
    boost::asio::thread_pool pool_;
};

}  // namespace sealpost::keyserver
