#include "dns/resolver.hpp"

namespace sealpost::dns {

const char* to_string(RecordType type) {
    switch (type) {
        case RecordType::A:
            return "A";
        case RecordType::Txt:
            return "TXT";
        case RecordType::Aaaa:
            return "AAAA";
        case RecordType::OpenPgpKey:
            return "OPENPGPKEY";
    }
    return "?";
}

const char* to_string(Security security) {
    switch (security) {
        case Security::Secure:
            return "secure";
        case Security::Insecure:
            return "insecure";
        case Security::Bogus:
            return "bogus";
    }
    return "?";
}

const char* to_string(Status status) {
    switch (status) {
        case Status::Ok:
            return "ok";
        case Status::NoData:
            return "no-data";
        case Status::Timeout:
            return "timeout";
        case Status::Failure:
            return "failure";
    }
    return "?";
}

// RFC 1035 §3.3.14: TXT-DATA is one or more <character-string>s, each a length octet and
// that many octets.
bool join_txt_strings(std::string_view rdata, std::string& out) {
    out.clear();
    std::size_t at = 0;
    while (at < rdata.size()) {
        auto length = static_cast<unsigned char>(rdata[at]);
        if (at + 1 + length > rdata.size())
            return false;
        out.append(rdata.substr(at + 1, length));
        at += 1 + length;
    }
    return true;
}

}  // namespace sealpost::dns
