// What an HTTP handler sees and answers, and the table that picks the handler for a request:
// (method, exact path) first, then the longest (method, path prefix).
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::http {

struct Request {
    std::string method;  // as sent, e.g. "GET"
    std::string path;    // the target up to '?', as sent (not percent-decoded)
    std::string query;   // the target after the first '?', without it; empty when none
    std::vector<std::pair<std::string, std::string>> headers;  // in the order received
    std::string body;
    std::string peer;  // the client's address and port, for logs

    // The first header of that name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";  // empty: no Content-Type
    std::string body;
    // More header fields, e.g. Cache-Control or Access-Control-Allow-Origin. Content-Type,
    // Content-Length and Connection are set by the server.
    std::vector<std::pair<std::string, std::string>> headers;
};

// A plain-text response: `status` with `text` and a newline as the body.
Response text_response(unsigned status, std::string_view text);

// Handlers run on the server's I/O thread: one that needs the keystore or crypto hands the
// work to the worker pool and co_awaits it, never blocking. A handler that throws gets a
// response from the error: sealpost::Error by its kind (BadInput 400, NotFound 404,
// LimitExceeded 413, Temporary 503, others 500), anything else 500; both are logged.
using Handler = std::function<boost::asio::awaitable<Response>(const Request&)>;
using PlainHandler = std::function<Response(const Request&)>;

class Router {
public:
    // Registers a handler for exactly `path`. A GET handler also answers HEAD (the server
    // sends no body) unless HEAD has its own. Throws Error(Conflict) for a route already
    // there and Error(BadInput) for a path not starting with '/'.
    void add(std::string method, std::string path, Handler handler);
    void add(std::string method, std::string path, PlainHandler handler);

    // Registers a handler for every path starting with `prefix` that has no exact route, e.g.
    // "/.well-known/openpgpkey/"; the longest matching prefix wins.
    void add_prefix(std::string method, std::string prefix, Handler handler);
    void add_prefix(std::string method, std::string prefix, PlainHandler handler);

    struct Match {
        const Handler* handler = nullptr;  // null when nothing answers this method and path
        unsigned status = 200;             // 404 no such path, 405 not with this method
        std::string allow;                 // for 405: the methods the path has, "GET, HEAD"
    };
    Match find(std::string_view method, std::string_view path) const;

private:
    using MethodTable = std::map<std::string, Handler, std::less<>>;
    const MethodTable* find_path(std::string_view path) const;

    std::map<std::string, MethodTable, std::less<>> exact_;
    std::map<std::string, MethodTable, std::less<>> prefixes_;
};

// Wraps a handler that answers at once into the awaitable form.
Handler make_handler(PlainHandler handler);

// The value of parameter `name` in a query string (application/x-www-form-urlencoded: '&'
// between parameters, '+' for space, %XX escapes), decoded; nullopt when absent. Throws
// Error(BadInput) for a malformed %-escape met on the way.
std::optional<std::string> query_value(std::string_view query, std::string_view name);

// Decodes %XX escapes (and '+' as space when `plus_is_space`). Throws Error(BadInput) for a
// '%' not followed by two hex digits.
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace sealpost::http
