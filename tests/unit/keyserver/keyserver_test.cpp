// The key server against a real keystore: which keys it publishes (local, enabled, valid) and
// which never (remote, disabled, expired, revoked, fetched), over every route; no secret
// material in any answer; 304s; refusals; and, through a real listener, HEAD and 414.
// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

#include "../http/http_test_support.hpp"
#include "../keystore/keystore_test_support.hpp"
#include "http/keyserver/dns_records.hpp"
#include "http/keyserver/keyserver.hpp"
#include "http/keyserver/names.hpp"
#include "openpgp/packets.hpp"

namespace sealpost::keyserver {

using keystore::testing::ForeignKey;
using openpgp::KeyAlgorithm;

class KeyserverTest : public keystore::testing::KeystoreTest {
protected:
    void SetUp() override {
        KeystoreTest::SetUp();
        store().add_local_domain("example.org");
        alice_ = keys().generate("alice@example.org", "Alice", KeyAlgorithm::Ed25519, 0);
        server_ =
            std::make_unique<Keyserver>(db_path(), KeyserverOptions{}, [this] { return now_; });
    }

    http::Response get(const std::string& path, const std::string& query = "",
                       std::vector<std::pair<std::string, std::string>> headers = {}) {
        http::Request request{
            .method = "GET", .path = path, .query = query, .headers = std::move(headers)};
        boost::asio::io_context io;
        auto answer = boost::asio::co_spawn(io, server_->answer(request), boost::asio::use_future);
        io.run();
        return answer.get();
    }

    http::Response mdpgp(const keystore::KeyRecord& key) {
        return get("/WorldClient.dll", "View=MDPGP&k=" + key.key_id);
    }

    // Every route that could publish `key` (by key ID, fingerprint, address and WKD hash).
    std::vector<http::Response> every_route(const keystore::KeyRecord& key,
                                            const std::string& address) {
        auto at = address.rfind('@');
        auto local = address.substr(0, at);
        auto domain = address.substr(at + 1);
        return {mdpgp(key),
                get("/pks/lookup", "op=get&search=0x" + key.key_id),
                get("/pks/lookup", "op=get&search=0x" + key.fingerprint),
                get("/pks/lookup", "op=index&options=mr&search=" + address),
                get("/.well-known/openpgpkey/" + domain + "/hu/" + wkd_hash(local), "l=" + local),
                get("/.well-known/openpgpkey/hu/" + wkd_hash(local), "", {{"Host", domain}})};
    }

    void expect_all(const std::vector<http::Response>& answers, unsigned status) {
        for (std::size_t i = 0; i < answers.size(); ++i) {
            EXPECT_EQ(answers[i].status, status) << "route " << i << ": " << answers[i].body;
        }
    }

    std::int64_t now_ = std::time(nullptr);
    keystore::KeyRecord alice_;
    std::unique_ptr<Keyserver> server_;
};

TEST_F(KeyserverTest, PublishesALocalEnabledValidKeyOnEveryRoute) {
    auto answers = every_route(alice_, "alice@example.org");
    expect_all(answers, 200);
    EXPECT_EQ(answers[0].content_type, "application/pgp-keys");
    EXPECT_NE(answers[0].body.find("-----BEGIN PGP PUBLIC KEY BLOCK-----"), std::string::npos);
    EXPECT_NE(answers[3].body.find("pub:" + alice_.fingerprint), std::string::npos);
    EXPECT_EQ(answers[4].content_type, "application/octet-stream");
    openpgp::Keyring ring;
    ring.import(answers[4].body, false);
    EXPECT_EQ(ring.info(alice_.fingerprint).fingerprint, alice_.fingerprint);
    for (const auto& answer : answers) {
        EXPECT_NE(answer.body.find_first_not_of(' '), std::string::npos);
    }
}

TEST_F(KeyserverTest, WkdAnswersCarryOnlyTheRequestedUserId) {
    ForeignKey erin("Erin <erin@example.org>");
    erin.add_user_id("Erin <erin@example.net>");
    import_one(erin.public_packets());
    auto answer = get("/.well-known/openpgpkey/example.org/hu/" + wkd_hash("erin"), "l=erin");
    ASSERT_EQ(answer.status, 200);
    openpgp::Keyring ring;
    ring.import(answer.body, false);
    EXPECT_EQ(ring.info(erin.fingerprint()).user_ids,
              std::vector<std::string>{"Erin <erin@example.org>"});
    EXPECT_TRUE(ring.info(erin.fingerprint()).can_encrypt);
}

TEST_F(KeyserverTest, NoAnswerCarriesSecretMaterial) {
    for (const auto& answer : every_route(alice_, "alice@example.org")) {
        auto packets = openpgp::dearmored(answer.body);
        openpgp::Keyring ring;
        if (answer.content_type == "application/pgp-keys" ||
            answer.content_type == "application/octet-stream") {
            ring.import(packets, true);
            EXPECT_FALSE(ring.info(alice_.fingerprint).has_secret);
        }
        EXPECT_EQ(answer.body.find("PRIVATE KEY"), std::string::npos);
    }
}

TEST_F(KeyserverTest, NeverPublishesARemoteKey) {
    ForeignKey bob("Bob <bob@example.net>");
    import_one(bob.public_packets());
    auto record = *store().get_record(bob.fingerprint());
    expect_all(every_route(record, "bob@example.net"), 404);
}

TEST_F(KeyserverTest, NeverPublishesAKeyFetchedByDiscovery) {
    ForeignKey carol("<carol@example.org>");
    keystore::ImportOptions options;
    options.origin = keystore::Origin::Wkd;
    import_one(carol.public_packets(), options);
    expect_all(every_route(*store().get_record(carol.fingerprint()), "carol@example.org"), 404);
}

TEST_F(KeyserverTest, NeverPublishesADisabledKey) {
    store().set_enabled(alice_.fingerprint, false);
    expect_all(every_route(alice_, "alice@example.org"), 404);
}

TEST_F(KeyserverTest, NeverPublishesAnExpiredKey) {
    auto dave = keys().generate("dave@example.org", "", KeyAlgorithm::Ed25519, 2);
    expect_all(every_route(dave, "dave@example.org"), 200);
    now_ += 3 * 86400;
    expect_all(every_route(dave, "dave@example.org"), 404);
}

TEST_F(KeyserverTest, NeverPublishesARevokedKey) {
    import_one(revoked_copy_of_local_key(alice_.fingerprint));
    expect_all(every_route(alice_, "alice@example.org"), 404);
}

TEST_F(KeyserverTest, MdpgpParameterNamesAndPathAreCaseInsensitive) {
    EXPECT_EQ(get("/worldclient.DLL", "view=mdpgp&K=" + ascii_lower(alice_.key_id)).status, 200);
    EXPECT_EQ(get("/WorldClient.dll", "View=Other&k=" + alice_.key_id).status, 404);
    EXPECT_EQ(get("/WorldClient.dll", "View=MDPGP&k=1234").status, 404);
}

TEST_F(KeyserverTest, HkpRefusesUnknownOperationsAndMisses) {
    EXPECT_EQ(get("/pks/lookup", "op=vindex&search=alice@example.org").status, 501);
    EXPECT_EQ(get("/pks/lookup", "op=get&search=nobody@example.org").status, 404);
    EXPECT_EQ(get("/pks/lookup", "op=get&search=%3Calice%40example.org%3E").status, 200);
    EXPECT_EQ(get("/pks/lookup", "op=get").status, 400);
}

TEST_F(KeyserverTest, WkdPolicyForLocalDomainsOnly) {
    auto policy = get("/.well-known/openpgpkey/example.org/policy");
    EXPECT_EQ(policy.status, 200);
    EXPECT_TRUE(policy.body.empty());
    EXPECT_EQ(get("/.well-known/openpgpkey/policy").status, 200);
    EXPECT_EQ(get("/.well-known/openpgpkey/example.net/policy").status, 404);
    // A hash with the wrong l= is not the user's.
    EXPECT_EQ(get("/.well-known/openpgpkey/example.org/hu/" + wkd_hash("alice"), "l=bob").status,
              404);
}

TEST_F(KeyserverTest, ConditionalRequestsAnswer304) {
    auto first = mdpgp(alice_);
    std::string etag, modified;
    for (const auto& [name, value] : first.headers) {
        if (name == "ETag")
            etag = value;
        if (name == "Last-Modified")
            modified = value;
    }
    ASSERT_FALSE(etag.empty());
    ASSERT_FALSE(modified.empty());
    auto query = "View=MDPGP&k=" + alice_.key_id;
    EXPECT_EQ(get("/WorldClient.dll", query, {{"If-None-Match", etag}}).status, 304);
    EXPECT_EQ(get("/WorldClient.dll", query, {{"If-None-Match", "\"other\""}}).status, 200);
    EXPECT_EQ(get("/WorldClient.dll", query, {{"If-Modified-Since", modified}}).status, 304);
    EXPECT_EQ(
        get("/WorldClient.dll", query, {{"If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT"}})
            .status,
        200);
}

TEST_F(KeyserverTest, RefusesTraversalAndLongTargets) {
    EXPECT_EQ(get("/.well-known/openpgpkey/../keystore.db").status, 400);
    EXPECT_EQ(get("/.well-known/openpgpkey/%2e%2E/x").status, 400);
    EXPECT_EQ(get("/.well-known/openpgpkey/example.org%2fhu/x").status, 400);
    EXPECT_EQ(get("/pks/lookup%00").status, 400);
    EXPECT_EQ(get("/pks/lookup", "op=get&search=" + std::string(1100, 'a')).status, 414);
    EXPECT_EQ(get("/etc/passwd").status, 404);
}

TEST_F(KeyserverTest, DnsRecordsForPublishedKeysOnly) {
    ForeignKey bob("Bob <bob@example.net>");
    import_one(bob.public_packets());
    KeySource source(db_path());
    auto lines = dns_records(source, "http://keys.example.org", "");
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "alice._pka.example.org. IN TXT \"v=pka1;fpr=" + alice_.fingerprint +
                            ";uri=http://keys.example.org/WorldClient.dll?View=MDPGP&k=" +
                            alice_.key_id + "\"");
    EXPECT_EQ(
        lines[1].rfind(openpgpkey_label("alice") + "._openpgpkey.example.org. IN OPENPGPKEY ", 0),
        0u);
    store().set_enabled(alice_.fingerprint, false);
    EXPECT_TRUE(dns_records(source, "http://k", "").empty());
}

// Through a real listener: HEAD gets the headers and no body, and a long target gets 414.
TEST_F(KeyserverTest, ServesOverHttpWithHeadAndLimits) {
    boost::asio::io_context io;
    http::HttpServer listener(io, http::HttpServerOptions{.listen = "127.0.0.1:0"});
    server_->add_routes(listener);
    listener.start();
    std::thread runner([&io] { io.run(); });
    auto port = listener.bound_port();
    auto target = "/WorldClient.dll?View=MDPGP&k=" + alice_.key_id;
    auto got = http::testing::exchange(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    http::testing::Client head(port);
    head.send("HEAD " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head_answer = head.read_response(std::chrono::seconds(5), true);
    auto long_answer = http::testing::exchange(
        port, "GET /pks/lookup?search=" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    listener.stop();
    io.stop();
    runner.join();
    // The key server's workers may still be letting go of `io` after the last answer went
    // out: join them (as the daemon does, whose io_context outlives its key server) before
    // `io` is destroyed.
    server_.reset();
    ASSERT_TRUE(got && head_answer && long_answer);
    EXPECT_EQ(got->result_int(), 200u);
    EXPECT_EQ((*got)[boost::beast::http::field::content_type], "application/pgp-keys");
    EXPECT_EQ(head_answer->result_int(), 200u);
    EXPECT_TRUE(head_answer->body().empty());
    EXPECT_EQ(long_answer->result_int(), 414u);
}

}  // namespace sealpost::keyserver
