#include "http/router.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace sealpost::http {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) {
               return lower(static_cast<unsigned char>(x)) == lower(static_cast<unsigned char>(y));
           });
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

using MethodTable = std::map<std::string, Handler, std::less<>>;
using RouteTable = std::map<std::string, MethodTable, std::less<>>;

void add_route(RouteTable& table, std::string method, std::string path, Handler handler) {
    if (!path.starts_with('/')) {
        throw Error(ErrorKind::BadInput, "HTTP route '" + path + "' does not start with '/'");
    }
    if (method.empty() || !handler) {
        throw Error(ErrorKind::BadInput, "HTTP route " + path + " needs a method and a handler");
    }
    auto& methods = table[path];
    if (methods.contains(method)) {
        throw Error(ErrorKind::Conflict, "HTTP route " + method + " " + path + " already exists");
    }
    methods.emplace(std::move(method), std::move(handler));
}

std::string allowed_methods(const MethodTable& methods) {
    std::string allow;
    auto append = [&allow](std::string_view method) {
        allow += allow.empty() ? "" : ", ";
        allow += method;
    };
    for (const auto& [method, handler] : methods) {
        append(method);
    }
    if (methods.contains("GET") && !methods.contains("HEAD")) {
        append("HEAD");
    }
    return allow;
}

}  // namespace

std::optional<std::string_view> Request::header(std::string_view name) const {
    for (const auto& [field, value] : headers) {
        if (equal_ignoring_case(field, name)) {
            return value;
        }
    }
    return std::nullopt;
}

Response text_response(unsigned status, std::string_view text) {
    Response response;
    response.status = status;
    response.body = std::string(text) + "\n";
    return response;
}

Handler make_handler(PlainHandler handler) {
    if (!handler) {
        return nullptr;
    }
    return
        [handler = std::move(handler)](const Request& request) -> boost::asio::awaitable<Response> {
            co_return handler(request);
        };
}

void Router::add(std::string method, std::string path, Handler handler) {
    add_route(exact_, std::move(method), std::move(path), std::move(handler));
}

void Router::add(std::string method, std::string path, PlainHandler handler) {
    add(std::move(method), std::move(path), make_handler(std::move(handler)));
}

void Router::add_prefix(std::string method, std::string prefix, Handler handler) {
    add_route(prefixes_, std::move(method), std::move(prefix), std::move(handler));
}

void Router::add_prefix(std::string method, std::string prefix, PlainHandler handler) {
    add_prefix(std::move(method), std::move(prefix), make_handler(std::move(handler)));
}

const Router::MethodTable* Router::find_path(std::string_view path) const {
    if (auto exact = exact_.find(path); exact != exact_.end()) {
        return &exact->second;
    }
    const MethodTable* longest = nullptr;
    std::size_t longest_size = 0;
    for (const auto& [prefix, methods] : prefixes_) {
        if (path.starts_with(prefix) && prefix.size() >= longest_size) {
            longest = &methods;
            longest_size = prefix.size();
        }
    }
    return longest;
}

Router::Match Router::find(std::string_view method, std::string_view path) const {
    const MethodTable* methods = find_path(path);
    if (methods == nullptr) {
        return Match{nullptr, 404, {}};
    }
    auto found = methods->find(method);
    if (found == methods->end() && method == "HEAD") {
        found = methods->find(std::string_view("GET"));
    }
    if (found == methods->end()) {
        return Match{nullptr, 405, allowed_methods(*methods)};
    }
    return Match{&found->second, 200, {}};
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '+' && plus_is_space) {
            out += ' ';
        } else if (c != '%') {
            out += c;
        } else {
            int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
            int low = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
            if (high < 0 || low < 0) {
                throw Error(ErrorKind::BadInput,
                            "'%' not followed by two hex digits in '" + std::string(text) + "'");
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        }
    }
    return out;
}

std::optional<std::string> query_value(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        auto end = query.find('&');
        auto parameter = query.substr(0, end);
        query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);

        auto equals = parameter.find('=');
        auto key = percent_decode(parameter.substr(0, equals), true);
        if (key == name) {
            return equals == std::string_view::npos
                       ? std::string()
                       : percent_decode(parameter.substr(equals + 1), true);
        }
    }
    return std::nullopt;
}

}  // namespace sealpost::http
