// The HTTP server over a real loopback socket: built-in routes, routing answers, handlers and
// their errors, keep-alive, and listen addresses.
#include "http/http_server.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/error.hpp"
#include "http_test_support.hpp"

namespace sealpost::http::testing {
namespace {

namespace bhttp = boost::beast::http;

std::string get(std::string_view target, std::string_view extra_headers = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: localhost\r\n" +
           std::string(extra_headers) + "\r\n";
}

std::string header(const ClientResponse& response, bhttp::field field) {
    auto value = response[field];
    return std::string(value.data(), value.size());
}

TEST_F(HttpServerTest, MetricsServesTheRegistryInTheTextFormat) {
    registry_.counter("test_events_total", "Test events.").inc(3);
    start();

    auto response = exchange(port(), get("/metrics"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(header(*response, bhttp::field::content_type),
              "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(response->body(),
              "# HELP test_events_total Test events.\n"
              "# TYPE test_events_total counter\n"
              "test_events_total 3\n");

    // The first scrape is counted after it rendered, so only the second one shows it.
    response = exchange(port(), get("/metrics"));
    ASSERT_TRUE(response);
    EXPECT_NE(response->body().find("sealpost_http_requests_total{code=\"200\"} 1\n"),
              std::string::npos)
        << response->body();
}

TEST_F(HttpServerTest, HealthzAnswersOk) {
    start();
    auto response = exchange(port(), get("/healthz"));
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), "ok\n");
}

TEST_F(HttpServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
    start();
    auto missing = exchange(port(), get("/nothing-here"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->result_int(), 404u);

    auto wrong = exchange(port(), "POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->result_int(), 405u);
    EXPECT_EQ(header(*wrong, bhttp::field::allow), "GET, HEAD");

    auto metrics = registry_.render();
    EXPECT_NE(metrics.find("sealpost_http_requests_total{code=\"404\"} 1\n"), std::string::npos);
    EXPECT_NE(metrics.find("sealpost_http_requests_total{code=\"405\"} 1\n"), std::string::npos);
}

TEST_F(HttpServerTest, HeadGetsTheHeaderOfGetWithoutTheBody) {
    start();
    Client client(port());
    ASSERT_TRUE(client.send("HEAD /healthz HTTP/1.1\r\n\r\n"));
    auto response = client.read_response(5s, true);
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(header(*response, bhttp::field::content_length), "3");
    // Nothing follows the header: the next bytes are the answer to the next request.
    ASSERT_TRUE(client.send(get("/healthz")));
    auto next = client.read_response();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body(), "ok\n");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    start();
    Client client(port());
    ASSERT_TRUE(client.send(get("/healthz")));
    auto first = client.read_response();
    ASSERT_TRUE(first);
    EXPECT_TRUE(first->keep_alive());

    ASSERT_TRUE(client.send(get("/metrics")));
    auto second = client.read_response();
    ASSERT_TRUE(second);
    EXPECT_EQ(second->result_int(), 200u);
    EXPECT_NE(second->body().find("sealpost_http_requests_total{code=\"200\"} 1\n"),
              std::string::npos);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start();
    Client client(port());
    ASSERT_TRUE(client.send(get("/healthz") + get("/nothing") + get("/healthz")));
    std::vector<unsigned> statuses;
    for (int i = 0; i < 3; ++i) {
        auto response = client.read_response();
        ASSERT_TRUE(response);
        statuses.push_back(response->result_int());
    }
    EXPECT_EQ(statuses, (std::vector<unsigned>{200, 404, 200}));
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10AreClosedAfterTheResponse) {
    start();
    Client asked(port());
    ASSERT_TRUE(asked.send(get("/healthz", "Connection: close\r\n")));
    auto response = asked.read_response();
    ASSERT_TRUE(response);
    EXPECT_FALSE(response->keep_alive());
    EXPECT_TRUE(asked.wait_closed(2s));

    Client old(port());
    ASSERT_TRUE(old.send("GET /healthz HTTP/1.0\r\n\r\n"));
    response = old.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->version(), 10u);
    EXPECT_TRUE(old.wait_closed(2s));
}

TEST_F(HttpServerTest, HandlerGetsMethodPathQueryHeadersAndBody) {
    routes_ = [](HttpServer& server) {
        server.add_route("POST", "/echo", [](const Request& request) {
            Response response;
            response.content_type = "application/octet-stream";
            response.body = request.method + "|" + request.path + "|" + request.query + "|" +
                            std::string(request.header("x-test").value_or("none")) + "|" +
                            request.body;
            response.headers.emplace_back("Cache-Control", "no-store");
            return response;
        });
    };
    start();
    auto response = exchange(port(),
                             "POST /echo?op=get&search=a%40b HTTP/1.1\r\nX-Test: yes\r\n"
                             "Content-Length: 5\r\n\r\nhello");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->result_int(), 200u);
    EXPECT_EQ(response->body(), "POST|/echo|op=get&search=a%40b|yes|hello");
    EXPECT_EQ(header(*response, bhttp::field::content_type), "application/octet-stream");
    EXPECT_EQ(header(*response, bhttp::field::cache_control), "no-store");
}

TEST_F(HttpServerTest, AsyncHandlerWaitsWithoutBlockingOtherConnections) {
    // /wait parks on a timer that only /release cancels: if a waiting handler blocked the
    // I/O thread, /release would never be answered and /wait would time out.
    auto gate = std::make_shared<std::optional<boost::asio::steady_timer>>();
    routes_ = [gate](HttpServer& server) {
        server.add_route("GET", "/wait",
                         [gate](const Request&) -> boost::asio::awaitable<Response> {
                             gate->emplace(co_await boost::asio::this_coro::executor, 5s);
                             boost::system::error_code ec;
                             co_await (*gate)->async_wait(
                                 boost::asio::redirect_error(boost::asio::use_awaitable, ec));
                             co_return text_response(200, ec ? "released" : "timed out");
                         });
        server.add_route("GET", "/release", [gate](const Request&) {
            return text_response(200, *gate && (*gate)->cancel() > 0 ? "released" : "not yet");
        });
    };
    start();
    Client waiting(port());
    ASSERT_TRUE(waiting.send(get("/wait")));
    std::optional<ClientResponse> release;
    for (int tries = 0; tries < 100; ++tries) {
        release = exchange(port(), get("/release"));
        if (!release || release->body() == "released\n") {
            break;
        }
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(release);
    EXPECT_EQ(release->body(), "released\n");
    auto response = waiting.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body(), "released\n");
}

TEST_F(HttpServerTest, HandlerErrorsBecomeResponsesWithoutLeakingInternals) {
    routes_ = [](HttpServer& server) {
        server.add_route("GET", "/missing-key", [](const Request&) -> Response {
            throw Error(ErrorKind::NotFound, "no key for alice@example.org");
        });
        server.add_route("GET", "/busy", [](const Request&) -> Response {
            throw Error(ErrorKind::Temporary, "keystore busy at /var/lib/sealpost");
        });
        server.add_route("GET", "/broken", [](const Request&) -> Response {
            throw std::runtime_error("internal detail");
        });
        server.add_route("GET", "/injected", [](const Request&) {
            Response response = text_response(200, "x");
            response.headers.emplace_back("X-Bad", "a\r\nSet-Cookie: evil");
            return response;
        });
    };
    start();
    auto missing = exchange(port(), get("/missing-key"));
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->result_int(), 404u);
    EXPECT_EQ(missing->body(), "no key for alice@example.org\n");

    auto busy = exchange(port(), get("/busy"));
    ASSERT_TRUE(busy);
    EXPECT_EQ(busy->result_int(), 503u);
    EXPECT_EQ(busy->body(), "Service Unavailable\n");

    auto broken = exchange(port(), get("/broken"));
    ASSERT_TRUE(broken);
    EXPECT_EQ(broken->result_int(), 500u);
    EXPECT_EQ(broken->body(), "Internal Server Error\n");

    auto injected = exchange(port(), get("/injected"));
    ASSERT_TRUE(injected);
    EXPECT_EQ(injected->result_int(), 500u);
    EXPECT_EQ(injected->count("Set-Cookie"), 0u);
}

TEST_F(HttpServerTest, RoutesCannotBeAddedAfterStart) {
    start();
    try {
        server_->add_route("GET", "/late", [](const Request&) { return Response{}; });
        FAIL() << "a route was added to a running server";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    }
}

TEST_F(HttpServerTest, AddressInUseIsATemporaryError) {
    start();
    HttpServerOptions options;
    options.listen = "127.0.0.1:" + std::to_string(port());
    HttpServer second(io_, options, registry_);
    try {
        second.start();
        FAIL() << "a second server listened on the same port";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Temporary);
        EXPECT_NE(std::string(e.what()).find(options.listen), std::string::npos) << e.what();
        // The reason is the bind's, not that of closing the socket afterwards ("Success").
        EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
    }
}

TEST(ListenAddress, IpAndPortAreParsed) {
    EXPECT_EQ(parse_listen_address("127.0.0.1:9025"),
              boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 9025));
    EXPECT_EQ(parse_listen_address("[::1]:0"),
              boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("::1"), 0));
    EXPECT_EQ(parse_listen_address("0.0.0.0:65535").port(), 65535);
}

TEST(ListenAddress, MalformedAddressesAreBadInput) {
    for (auto bad : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:9x", "::1:9025",
                     "localhost:9025", "[127.0.0.1]:80", ":80"}) {
        try {
            parse_listen_address(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::BadInput) << bad;
        }
    }
}

}  // namespace
}  // namespace sealpost::http::testing
