#include "http/keyserver/answers.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include "http/keyserver/names.hpp"

namespace sealpost::keyserver {

namespace {

int algorithm_number(const std::string& algorithm) {
    static const std::map<std::string, int> numbers = {
        {"RSA", 1}, {"DSA", 17}, {"ECDH", 18}, {"ECDSA", 19}, {"EDDSA", 22}, {"ELGAMAL", 16}};
    auto found = numbers.find(algorithm);
    return found == numbers.end() ? 0 : found->second;
}

std::string hkp_escape(std::string_view text) {
    static constexpr std::string_view hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (c == ':' || c == '%' || c < 0x20 || c >= 0x7f) {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::string expiry_field(std::int64_t expires) {
    return expires == 0 ? std::string() : std::to_string(expires);
}

}  // namespace

std::string hkp_index(const std::vector<ServedKey>& keys) {
    std::string out = "info:1:" + std::to_string(keys.size()) + "\n";
    for (const auto& key : keys) {
        const auto& r = key.record;
        out += "pub:" + r.fingerprint + ":" + std::to_string(algorithm_number(r.algorithm)) + ":" +
               std::to_string(r.bits) + ":" + std::to_string(r.created) + ":" +
               expiry_field(r.expires) + ":\n";
        for (const auto& uid : r.user_ids) {
            out += "uid:" + hkp_escape(uid) + ":" + std::to_string(r.created) + "::\n";
        }
    }
    return out;
}

std::string http_date(std::int64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return buffer;
}

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    std::tm tm{};
    std::string copy(text);
    const char* end = strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

http::Response key_answer(const http::Request& request, const std::vector<ServedKey>& keys,
                          std::string content_type, std::string body) {
    std::int64_t updated = 0;
    std::string tag;
    for (const auto& key : keys) {
        updated = std::max(updated, key.record.updated);
        tag += key.record.fingerprint.substr(0, 16);
    }
    std::string etag = "\"" + tag + "-" + std::to_string(updated) + "\"";
    http::Response response;
    response.headers = {{"Cache-Control", "public, max-age=3600"},
                        {"ETag", etag},
                        {"Last-Modified", http_date(updated)},
                        {"Access-Control-Allow-Origin", "*"}};
    auto none_match = request.header("If-None-Match");
    auto since = request.header("If-Modified-Since");
    bool fresh = false;
    if (none_match) {
        fresh = *none_match == "*" || none_match->find(etag) != std::string_view::npos;
    } else if (since) {
        auto when = parse_http_date(*since);
        fresh = when && *when >= updated;
    }
    if (fresh) {
        response.status = 304;
        response.content_type.clear();
        return response;
    }
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
    std::string wanted = ascii_lower(name);
    while (!query.empty()) {
        auto amp = query.find('&');
        auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        auto eq = pair.find('=');
        auto key = http::percent_decode(pair.substr(0, eq), true);
        if (ascii_lower(key) == wanted) {
            return eq == std::string_view::npos ? std::string()
                                                : http::percent_decode(pair.substr(eq + 1), true);
        }
    }
    return std::nullopt;
}

}  // namespace sealpost::keyserver
