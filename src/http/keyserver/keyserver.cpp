#include "http/keyserver/keyserver.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "common/error.hpp"
#include "common/log.hpp"
#include "http/keyserver/answers.hpp"
#include "http/keyserver/names.hpp"
#include "openpgp/key_info.hpp"

namespace sealpost::keyserver {

namespace asio = boost::asio;

namespace {

constexpr std::string_view wkd_root = "/.well-known/openpgpkey/";

// Why a request target is refused before any lookup, or empty when it is not.
std::string traversal_reason(std::string_view path) {
    std::string lower = ascii_lower(path);
    if (lower.find("..") != std::string::npos || lower.find("%2e") != std::string::npos) {
        return "dot segment";
    }
    if (lower.find("%2f") != std::string::npos || lower.find("%5c") != std::string::npos ||
        lower.find('\\') != std::string::npos) {
        return "encoded slash";
    }
    if (lower.find("%00") != std::string::npos || lower.find('\0') != std::string::npos) {
        return "NUL byte";
    }
    return {};
}

bool all_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string binary_keys(const std::vector<ServedKey>& keys, bool armored) {
    std::string out;
    for (const auto& key : keys) {
        out += public_key_bytes(key, armored);
    }
    return out;
}

http::Response not_found(const http::Request& request, std::string_view why) {
    log::info("keyserver", "not_found",
              {{"path", request.path}, {"why", why}, {"peer", request.peer}});
    return http::text_response(404, "no such key");
}

std::string host_domain(const http::Request& request) {
    auto host = request.header("Host");
    if (!host) {
        return {};
    }
    std::string name = ascii_lower(*host);
    if (!name.empty() && name.front() != '[') {
        name = name.substr(0, name.find(':'));
    }
    return name;
}

}  // namespace

Keyserver::Keyserver(std::filesystem::path keystore_db, KeyserverOptions options,
                     KeySource::Clock clock)
    : options_(options),
      source_(std::move(keystore_db), std::move(clock)),
      pool_(options.threads == 0 ? 1 : options.threads) {}

Keyserver::~Keyserver() {
    pool_.join();
}

void Keyserver::add_routes(http::HttpServer& server) {
    server.add_prefix_route("GET", "/", http::Handler([this](const http::Request& request) {
                                return answer(request);
                            }));
}

asio::awaitable<http::Response> Keyserver::answer(const http::Request& request) {
    std::size_t target =
        request.path.size() + (request.query.empty() ? 0 : request.query.size() + 1);
    if (target > options_.max_target_bytes) {
        log::warn("keyserver", "refused",
                  {{"why", "target too long"}, {"bytes", target}, {"peer", request.peer}});
        co_return http::text_response(414, "request target too long");
    }
    if (auto why = traversal_reason(request.path); !why.empty()) {
        log::warn("keyserver", "refused",
                  {{"why", why}, {"path", request.path}, {"peer", request.peer}});
        co_return http::text_response(400, "bad path");
    }
    co_return co_await asio::co_spawn(
        pool_.get_executor(),
        [this, &request]() -> asio::awaitable<http::Response> { co_return look_up(request); },
        asio::use_awaitable);
}

http::Response Keyserver::look_up(const http::Request& request) {
    std::string path = ascii_lower(request.path);
    try {
        if (path == "/worldclient.dll") {
            return mdpgp(request);
        }
        if (path == "/pks/lookup") {
            return hkp(request);
        }
        if (path.rfind(wkd_root, 0) == 0) {
            return wkd(request, std::string_view(path).substr(wkd_root.size()));
        }
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::BadInput) {
            throw;
        }
        log::info("keyserver", "bad_request", {{"path", request.path}, {"error", e.what()}});
        return http::text_response(400, e.what());
    }
    return not_found(request, "no such path");
}

http::Response Keyserver::mdpgp(const http::Request& request) {
    auto view = query_parameter(request.query, "View");
    auto key_id = query_parameter(request.query, "k");
    if (!view || ascii_lower(*view) != "mdpgp" || !key_id || key_id->size() != 16 ||
        !all_hex(*key_id)) {
        return not_found(request, "not an MDPGP key request");
    }
    auto keys = source_.by_key_id(openpgp::upper_hex(*key_id));
    if (keys.empty()) {
        return not_found(request, "no key to publish");
    }
    keys.resize(1);
    log::info("keyserver", "served",
              {{"via", "mdpgp"}, {"fingerprint", keys[0].record.fingerprint}});
    return key_answer(request, keys, "application/pgp-keys", binary_keys(keys, true));
}

std::vector<ServedKey> Keyserver::hkp_search(const std::string& search) {
    std::string text = search;
    if (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) {
        std::string hex = openpgp::upper_hex(text);
        if (hex.size() == 16 && all_hex(hex)) {
            return source_.by_key_id(hex);
        }
        if (hex.size() == 40 && all_hex(hex)) {
            return source_.by_fingerprint(hex);
        }
    }
    auto open = text.find('<');
    auto close = text.find('>', open == std::string::npos ? 0 : open);
    if (open != std::string::npos && close != std::string::npos) {
        text = text.substr(open + 1, close - open - 1);
    }
    if (text.find('@') != std::string::npos) {
        return source_.by_address(openpgp::normalise_address(text));
    }
    if (text.size() < 3) {
        return {};  // LIMITATION: short substrings would list many users; refused as no match
    }
    return source_.by_text(text);
}

http::Response Keyserver::hkp(const http::Request& request) {
    auto op = query_parameter(request.query, "op");
    auto search = query_parameter(request.query, "search");
    if (!op || (*op != "get" && *op != "index")) {
        log::info("keyserver", "unsupported", {{"op", op.value_or("")}, {"peer", request.peer}});
        return http::text_response(501, "operation not implemented");
    }
    if (!search || search->empty()) {
        return http::text_response(400, "search is missing");
    }
    auto keys = hkp_search(*search);
    if (keys.empty()) {
        return not_found(request, "no key to publish");
    }
    log::info("keyserver", "served", {{"via", "hkp"}, {"op", *op}, {"keys", keys.size()}});
    if (*op == "get") {
        return key_answer(request, keys, "application/pgp-keys", binary_keys(keys, true));
    }
    // LIMITATION: op=index always answers the machine-readable form, whatever options= says.
    return key_answer(request, keys, "text/plain; charset=utf-8", hkp_index(keys));
}

std::vector<ServedKey> Keyserver::wkd_keys(const std::string& domain, const std::string& hash,
                                           const std::optional<std::string>& local,
                                           std::string& address) {
    auto domains = source_.local_domains();
    bool domain_known = std::find(domains.begin(), domains.end(), domain) != domains.end();
    std::vector<std::string> searched = domain_known ? std::vector<std::string>{domain} : domains;
    auto matches = [&](const std::string& candidate, const std::string& d) {
        auto at = candidate.rfind('@');
        auto local_part = candidate.substr(0, at);
        return candidate.substr(at + 1) == d && wkd_hash(local_part) == hash &&
               (!local || ascii_lower(*local) == local_part);
    };
    std::vector<ServedKey> out;
    for (const auto& d : searched) {
        for (auto& key : source_.by_text("@" + d)) {
            for (const auto& candidate : key.record.addresses) {
                if (matches(candidate, d) && (address.empty() || address == candidate)) {
                    address = candidate;
                    out.push_back(std::move(key));
                    break;
                }
            }
        }
    }
    return out;
}

http::Response Keyserver::wkd(const http::Request& request, std::string_view rest) {
    auto domains = source_.local_domains();
    std::string domain;
    if (rest.rfind("hu/", 0) != 0 && rest != "policy") {
        auto slash = rest.find('/');
        domain = std::string(rest.substr(0, slash));
        if (slash == std::string_view::npos ||
            std::find(domains.begin(), domains.end(), domain) == domains.end()) {
            return not_found(request, "not a local domain");
        }
        rest = rest.substr(slash + 1);
    } else {
        domain = host_domain(request);
    }
    if (rest == "policy") {
        http::Response policy;
        policy.content_type = "text/plain";
        policy.headers = {{"Access-Control-Allow-Origin", "*"},
                          {"Cache-Control", "public, max-age=3600"}};
        return policy;
    }
    if (rest.rfind("hu/", 0) != 0 || rest.size() != 35) {
        return not_found(request, "not a WKD path");
    }
    std::string address;
    auto keys =
        wkd_keys(domain, std::string(rest.substr(3)), query_parameter(request.query, "l"), address);
    if (keys.empty()) {
        return not_found(request, "no key to publish");
    }
    std::string body;
    for (const auto& key : keys) {
        body += minimal_public_key(key, address);
    }
    log::info("keyserver", "served", {{"via", "wkd"}, {"address", address}, {"keys", keys.size()}});
    return key_answer(request, keys, "application/octet-stream", body);
}

}  // namespace sealpost::keyserver
