// Shared fixture of the discovery tests: a keystore (from the keystore tests), a resolver and
// a fetcher that answer from tables the test fills and record what they were asked, and a
// clock the test moves by hand.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "discovery/key_discovery.hpp"
#include "discovery/names.hpp"
#include "keystore_test_support.hpp"

namespace sealpost::discovery::testing {

using keystore::testing::ForeignKey;

class FakeResolver : public dns::Resolver {
public:
    dns::Answer query(std::string_view name, dns::RecordType type, dns::Deadline) override {
        asked.push_back(std::string(name) + " " + dns::to_string(type));
        auto it = answers.find({std::string(name), type});
        if (it != answers.end())
            return it->second;
        return dns::Answer{.status = dns::Status::NoData};
    }
    void set(const std::string& name, dns::RecordType type, std::vector<std::string> records,
             std::uint32_t ttl = 300, dns::Security security = dns::Security::Insecure) {
        answers[{name, type}] = dns::Answer{.status = dns::Status::Ok,
                                            .security = security,
                                            .ttl = ttl,
                                            .records = std::move(records)};
    }
    std::map<std::pair<std::string, dns::RecordType>, dns::Answer> answers;
    std::vector<std::string> asked;
};

class FakeFetcher : public Fetcher {
public:
    FetchResult fetch(const FetchRequest& request) override {
        requests.push_back(request);
        auto it = bodies.find(request.url);
        if (it == bodies.end())
            return {.status = 404, .error = "status 404"};
        return {.ok = true, .status = 200, .body = it->second};
    }
    std::map<std::string, std::string> bodies;
    std::vector<FetchRequest> requests;
};

class DiscoveryTest : public keystore::testing::KeystoreTest {
protected:
    static constexpr std::int64_t hour = 3600;

    KeyDiscovery& discovery() {
        if (!discovery_) {
            DiscoveryServices services;
            services.resolver = std::unique_ptr<dns::Resolver>(resolver_);
            services.fetcher = std::unique_ptr<Fetcher>(fetcher_);
            services.misses = misses_;
            services.clock = [this] { return now_; };
            discovery_ = std::make_unique<KeyDiscovery>(settings_, keys(), std::move(services));
        }
        return *discovery_;
    }
    Outcome find(const std::string& address) {
        return discovery().find(address, std::chrono::steady_clock::now() + deadline_);
    }

    // A PKA1 record for `address` naming `fingerprint`, its key host, and the key served.
    void publish_pka(const std::string& address, const std::string& fingerprint,
                     const std::string& packets, std::uint32_t ttl = 300) {
        auto where = split_address(address);
        auto uri = "http://keys.example.net/" + where.local + "-" + fingerprint;
        resolver_->set(pka_owner_name(where), dns::RecordType::Txt,
                       {"v=pka1;fpr=" + fingerprint + ";uri=" + uri}, ttl);
        resolver_->set("keys.example.net", dns::RecordType::A, {"192.0.2.7"});
        fetcher_->bodies[uri] = packets;
    }
    void publish_dane(const std::string& address, const std::string& packets,
                      dns::Security security, std::uint32_t ttl = 300) {
        resolver_->set(dane_owner_name(split_address(address)), dns::RecordType::OpenPgpKey,
                       {packets}, ttl, security);
    }
    std::optional<keystore::KeyRecord> record(const std::string& fingerprint) {
        return store().get_record(fingerprint);
    }

    config::Discovery settings_;
    FakeResolver* resolver_ = new FakeResolver;  // owned by discovery_ once it exists
    FakeFetcher* fetcher_ = new FakeFetcher;
    std::shared_ptr<NegativeCache> misses_ = std::make_shared<NegativeCache>();
    std::int64_t now_ = 1'800'000'000;
    std::chrono::milliseconds deadline_{5000};
    std::unique_ptr<KeyDiscovery> discovery_;

    void TearDown() override {
        if (!discovery_) {
            delete resolver_;
            delete fetcher_;
        }
        discovery_.reset();
    }
};

}  // namespace sealpost::discovery::testing
