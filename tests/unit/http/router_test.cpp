// Routing by method and path, and query-string decoding, without a socket.
#include "http/router.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "common/error.hpp"

namespace sealpost::http {
namespace {

Response answer(std::string text) {
    return text_response(200, text);
}

Router sample_router() {
    Router router;
    router.add("GET", "/metrics", [](const Request&) { return answer("metrics"); });
    router.add("POST", "/api/keys", [](const Request&) { return answer("post"); });
    router.add("DELETE", "/api/keys", [](const Request&) { return answer("delete"); });
    router.add_prefix("GET", "/.well-known/openpgpkey/",
                      [](const Request&) { return answer("wkd"); });
    router.add_prefix("GET", "/.well-known/openpgpkey/policy/",
                      [](const Request&) { return answer("longer"); });
    return router;
}

TEST(Router, ExactPathWithItsMethodFindsTheHandler) {
    auto router = sample_router();
    auto match = router.find("GET", "/metrics");
    ASSERT_NE(match.handler, nullptr);
    EXPECT_EQ(match.status, 200u);
}

TEST(Router, UnknownPathIs404AndKnownPathWithOtherMethodIs405WithAllow) {
    auto router = sample_router();
    EXPECT_EQ(router.find("GET", "/nothing").status, 404u);
    EXPECT_EQ(router.find("GET", "/metrics/").status, 404u);  // exact means exact

    auto wrong = router.find("POST", "/metrics");
    EXPECT_EQ(wrong.handler, nullptr);
    EXPECT_EQ(wrong.status, 405u);
    EXPECT_EQ(wrong.allow, "GET, HEAD");
    EXPECT_EQ(router.find("GET", "/api/keys").allow, "DELETE, POST");
}

TEST(Router, HeadFallsBackToGet) {
    auto router = sample_router();
    EXPECT_NE(router.find("HEAD", "/metrics").handler, nullptr);
    EXPECT_EQ(router.find("HEAD", "/api/keys").status, 405u);
}

TEST(Router, LongestPrefixWinsAndExactBeatsPrefix) {
    auto router = sample_router();
    Request request;
    auto run = [&](std::string_view path) {
        auto match = router.find("GET", path);
        EXPECT_NE(match.handler, nullptr) << path;
        // The handlers above complete at once, so the awaitable finishes on first resume.
        std::string body;
        boost::asio::io_context io;
        boost::asio::co_spawn(
            io, (*match.handler)(request),
            [&body](std::exception_ptr, Response response) { body = response.body; });
        io.run();
        return body;
    };
    EXPECT_EQ(run("/.well-known/openpgpkey/hu/abc"), "wkd\n");
    EXPECT_EQ(run("/.well-known/openpgpkey/policy/x"), "longer\n");
    EXPECT_EQ(router.find("GET", "/.well-known/other").status, 404u);
}

TEST(Router, DuplicateRouteIsAConflictAndPathMustStartWithSlash) {
    auto router = sample_router();
    try {
        router.add("GET", "/metrics", [](const Request&) { return answer("again"); });
        FAIL() << "a second GET /metrics was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    }
    EXPECT_THROW(router.add("GET", "metrics", [](const Request&) { return answer(""); }), Error);
    EXPECT_NO_THROW(router.add("HEAD", "/metrics", [](const Request&) { return answer(""); }));
}

TEST(RequestHeaders, LookupIgnoresCase) {
    Request request;
    request.headers = {{"Content-Type", "application/json"}, {"X-Two", "a"}, {"x-two", "b"}};
    EXPECT_EQ(request.header("content-type"), "application/json");
    EXPECT_EQ(request.header("X-TWO"), "a");
    EXPECT_FALSE(request.header("Host").has_value());
}

TEST(QueryString, ValuesAreFoundAndDecoded) {
    std::string_view hkp = "op=get&options=mr&search=alice%40example.org";
    EXPECT_EQ(query_value(hkp, "op"), "get");
    EXPECT_EQ(query_value(hkp, "search"), "alice@example.org");
    EXPECT_EQ(query_value(hkp, "missing"), std::nullopt);
    EXPECT_EQ(query_value("View=MDPGP&k=0123456789ABCDEF", "k"), "0123456789ABCDEF");
    EXPECT_EQ(query_value("q=a+b%2Bc", "q"), "a b+c");
    EXPECT_EQ(query_value("flag&x=1", "flag"), "");
    EXPECT_EQ(query_value("", "x"), std::nullopt);
}

TEST(QueryString, MalformedEscapeIsBadInput) {
    EXPECT_THROW(query_value("k=%4", "k"), Error);
    EXPECT_THROW(query_value("k=%zz", "k"), Error);
    EXPECT_THROW(percent_decode("%", false), Error);
    EXPECT_EQ(percent_decode("a+b%20c", false), "a+b c");
}

}  // namespace
}  // namespace sealpost::http
