// Where each discovery method looks for the key of an address: the DNS names and URLs of
// PKA1, DANE OPENPGPKEY (RFC 7929) and the Web Key Directory (draft-koch-openpgp-webkey-service).
#pragma once

#include <string>
#include <string_view>

namespace sealpost::discovery {

struct MailAddress {
    std::string local;   // as normalised: lower case
    std::string domain;  // lower case
};

// Splits a normalised address at its last '@'. Throws Error(BadInput) if it has none.
MailAddress split_address(std::string_view address);

// z-base-32 (Zooko's human-oriented base 32), as WKD spells its hashes; no padding.
std::string zbase32(std::string_view bytes);

// WKD: z-base-32 of the SHA-1 of the lower-cased local part (32 characters).
std::string wkd_hash(std::string_view local);
std::string wkd_advanced_url(const MailAddress& address, int https_port);
std::string wkd_direct_url(const MailAddress& address, int https_port);

// PKA1: TXT at `local._pka.domain`.
std::string pka_owner_name(const MailAddress& address);

// RFC 7929 §3: hex of the first 28 octets of SHA2-256 of the local part, then
// `._openpgpkey.domain`.
std::string dane_owner_name(const MailAddress& address);

}  // namespace sealpost::discovery
