// The DNS questions Sealpost asks (TXT, OPENPGPKEY, A/AAAA) and the answers with their TTL and
// DNSSEC status. `Resolver` is the interface; unbound_resolver.hpp is the real one, tests
// substitute their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sealpost::dns {

enum class RecordType : int { A = 1, Txt = 16, Aaaa = 28, OpenPgpKey = 61 };
const char* to_string(RecordType type);

// secure: validated against the trust anchor; insecure: no chain of trust covers the name;
// bogus: a chain exists and the answer failed it (why_bogus says how).
enum class Security { Secure, Insecure, Bogus };
const char* to_string(Security security);

// ok: records follow; no-data: the name or the type does not exist (NXDOMAIN or NODATA);
// timeout and failure (SERVFAIL, REFUSED, an unreachable server) mean "could not tell".
enum class Status { Ok, NoData, Timeout, Failure };
const char* to_string(Status status);

struct Answer {
    Status status = Status::Failure;
    Security security = Security::Insecure;
    std::string why_bogus;             // set when security is Bogus
    std::string error;                 // what went wrong when status is Timeout or Failure
    std::uint32_t ttl = 0;             // seconds, of the answer's record set
    std::vector<std::string> records;  // TXT: the strings joined; A/AAAA: the address as text;
                                       // OPENPGPKEY: the binary key
};

using Deadline = std::chrono::steady_clock::time_point;

class Resolver {
public:
    virtual ~Resolver() = default;
    // Never throws for a network problem: the answer says what happened. Returns by
    // `deadline` at the latest.
    virtual Answer query(std::string_view name, RecordType type, Deadline deadline) = 0;
};

// Joins the length-prefixed strings of one TXT record's data into `out`; false when the
// lengths do not add up (a damaged record).
bool join_txt_strings(std::string_view rdata, std::string& out);

}  // namespace sealpost::dns
