// The three places a key is looked for: PKA1 (TXT record pointing at a URI), the Web Key
// Directory, DANE OPENPGPKEY. Each returns an Attempt; key_discovery.cpp decides the order.
#include <arpa/inet.h>

#include <algorithm>

#include "discovery/key_discovery.hpp"
#include "discovery/names.hpp"
#include "discovery/pka_record.hpp"

namespace sealpost::discovery {

namespace {

// Why a DNS answer cannot be used at all, or nullopt when it can.
std::optional<Attempt> dns_problem(Source source, const dns::Answer& answer,
                                   std::string_view name) {
    std::string where = " for " + std::string(name);
    if (answer.security == dns::Security::Bogus)
        return make_attempt(source, Verdict::Refused,
                            "DNSSEC bogus" + where + ": " + answer.why_bogus);
    if (answer.status == dns::Status::Timeout || answer.status == dns::Status::Failure)
        return make_attempt(source, Verdict::Unavailable, "DNS " + answer.error + where);
    if (answer.status == dns::Status::NoData || answer.records.empty())
        return make_attempt(source, Verdict::NotPublished, "no record" + where);
    return std::nullopt;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[16];
    auto bare = host.starts_with('[') ? host.substr(1, host.size() - 2) : host;
    return inet_pton(AF_INET, bare.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, bare.c_str(), buffer) == 1;
}

std::chrono::milliseconds time_left(dns::Deadline deadline, std::chrono::milliseconds cap) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return std::clamp(left, std::chrono::milliseconds(1), cap);
}

}  // namespace

Attempt KeyDiscovery::pin_host(Source source, const HttpUrl& url, dns::Deadline deadline,
                               std::vector<std::string>& pinned) {
    if (is_ip_literal(url.host))
        return make_attempt(source, Verdict::Found, "");
    dns::Answer answer;
    for (auto type : {dns::RecordType::A, dns::RecordType::Aaaa}) {
        answer = services_.resolver->query(url.host, type, deadline);
        if (answer.status != dns::Status::NoData)
            break;
    }
    if (auto problem = dns_problem(source, answer, url.host))
        return *problem;
    std::string entry = url.host + ":" + std::to_string(url.port) + ":";
    for (std::size_t i = 0; i < answer.records.size(); ++i) {
        const auto& ip = answer.records[i];
        entry += (i ? "," : "") + (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip);
    }
    pinned.push_back(entry);
    return make_attempt(source, Verdict::Found, "");
}

Attempt KeyDiscovery::fetch_key(Source source, const std::string& uri, const std::string& address,
                                std::string_view fingerprint, std::uint32_t ttl,
                                dns::Deadline deadline) {
    auto url = parse_http_url(uri);
    if (!url)
        return make_attempt(source, Verdict::Refused, "not an http(s) URI: " + uri);
    FetchRequest request{
        .url = uri, .max_bytes = settings_.max_key_bytes, .ca_file = settings_.ca_file};
    auto pinning = pin_host(source, *url, deadline, request.pinned);
    if (pinning.verdict != Verdict::Found)
        return pinning;
    request.timeout = time_left(deadline, std::chrono::milliseconds(settings_.lookup_timeout_ms));
    auto fetched = services_.fetcher->fetch(request);
    if (!fetched.ok) {
        auto why = uri + ": " + fetched.error;
        if (fetched.status == 404 || fetched.status == 410)
            return make_attempt(source, Verdict::NotPublished, why);
        return make_attempt(source, fetched.hostile ? Verdict::Refused : Verdict::Unavailable, why);
    }
    return import_checked(source, address, fetched.body, fingerprint, ttl);
}

Attempt KeyDiscovery::try_pka(const std::string& address, dns::Deadline deadline) {
    auto name = pka_owner_name(split_address(address));
    auto answer = services_.resolver->query(name, dns::RecordType::Txt, deadline);
    if (auto problem = dns_problem(Source::Pka, answer, name))
        return *problem;
    std::vector<std::string> records;
    std::copy_if(answer.records.begin(), answer.records.end(), std::back_inserter(records),
                 [](const std::string& text) { return text.starts_with("v=pka1"); });
    if (records.empty())
        return make_attempt(Source::Pka, Verdict::NotPublished, "no v=pka1 TXT record at " + name);
    if (records.size() > 1)
        return make_attempt(Source::Pka, Verdict::Refused, "several PKA1 records at " + name);
    auto parsed = parse_pka_record(records.front());
    if (auto* why = std::get_if<std::string>(&parsed))
        return make_attempt(Source::Pka, Verdict::Refused,
                            "malformed PKA1 record at " + name + ": " + *why);
    const auto& record = std::get<PkaRecord>(parsed);
    return fetch_key(Source::Pka, record.uri, address, record.fingerprint, answer.ttl, deadline);
}

// The advanced method first; the direct one when the advanced host has nothing or cannot be
// reached. A refusal (a hostile answer) ends the search.
Attempt KeyDiscovery::try_wkd(const std::string& address, dns::Deadline deadline) {
    auto where = split_address(address);
    Attempt last;
    for (const auto& url : {wkd_advanced_url(where, settings_.https_port),
                            wkd_direct_url(where, settings_.https_port)}) {
        last = fetch_key(Source::Wkd, url, address, "", 0, deadline);
        if (last.verdict == Verdict::Found || last.verdict == Verdict::Refused)
            return last;
    }
    return last;
}

// RFC 7929 §7: only DNSSEC-validated OPENPGPKEY answers are used.
Attempt KeyDiscovery::try_dane(const std::string& address, dns::Deadline deadline) {
    auto name = dane_owner_name(split_address(address));
    auto answer = services_.resolver->query(name, dns::RecordType::OpenPgpKey, deadline);
    if (auto problem = dns_problem(Source::Dane, answer, name))
        return *problem;
    if (answer.security != dns::Security::Secure) {
        return make_attempt(Source::Dane, Verdict::Refused,
                            "the OPENPGPKEY answer for " + name + " is not DNSSEC-signed (" +
                                dns::to_string(answer.security) + ")");
    }
    std::string keys;
    for (const auto& record : answer.records)
        keys += record;
    return import_checked(Source::Dane, address, keys, "", answer.ttl);
}

}  // namespace sealpost::discovery
