// The key server's answers, as pure functions of the keys found: HKP's machine-readable index
// (draft-shaw-openpgp-hkp §5.2) and key bodies with the caching headers and 304s.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/keyserver/key_source.hpp"
#include "http/router.hpp"

namespace sealpost::keyserver {

// "info:1:N", then a "pub:" line and its "uid:" lines per key; uids %-escaped.
std::string hkp_index(const std::vector<ServedKey>& keys);

// RFC 9110 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"; and back (nullopt if not one).
std::string http_date(std::int64_t seconds);
std::optional<std::int64_t> parse_http_date(std::string_view text);

// A 200 with `body`, or a 304 when the request's If-None-Match or If-Modified-Since says the
// client has these keys already. ETag and Last-Modified come from the keys' updated times.
http::Response key_answer(const http::Request& request, const std::vector<ServedKey>& keys,
                          std::string content_type, std::string body);

// The value of query parameter `name`, the name compared case-insensitively.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace sealpost::keyserver
