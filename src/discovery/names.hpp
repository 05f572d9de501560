// Where each discovery method looks for the key of an address: the DNS names and URLs of
// PKA1, DANE OPENPGPKEY (RFC 7929) and the Web Key Directory (draft-koch-openpgp-webkey-service).
#pragma once

#include <string>
#include <string_view>

#include "openpgp/key_names.hpp"

namespace sealpost::discovery {

struct MailAddress {
    std::string local;   // as normalised: lower case
    std::string domain;  // lower case
};

// Splits a normalised address at its last '@'. Throws Error(BadInput) if it has none.
MailAddress split_address(std::string_view address);

// WKD's hash of a local part, exactly as the key server publishes it.
using openpgp::wkd_hash;
using openpgp::zbase32;
std::string wkd_advanced_url(const MailAddress& address, int https_port);
std::string wkd_direct_url(const MailAddress& address, int https_port);

// PKA1: TXT at `local._pka.domain`.
std::string pka_owner_name(const MailAddress& address);

// RFC 7929 §3: hex of the first 28 octets of SHA2-256 of the local part, then
// `._openpgpkey.domain`.
std::string dane_owner_name(const MailAddress& address);

}  // namespace sealpost::discovery
