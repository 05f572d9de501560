// The DNS records that point at local users' keys: PKA1 TXT records with the key server's
// MDPGP URL, and RFC 7929 OPENPGPKEY records with the key itself. Zone-file text, one record
// a line, for the keys the key server would serve.
#pragma once

#include <string>
#include <vector>

#include "http/keyserver/key_source.hpp"

namespace sealpost::keyserver {

// `base` is the key server's public URL without a trailing '/'; `domain` empty means every
// local domain.
std::vector<std::string> dns_records(KeySource& source, const std::string& base,
                                     const std::string& domain);

// base64 (RFC 4648, with padding), as OPENPGPKEY's presentation form uses.
std::string base64(std::string_view bytes);

}  // namespace sealpost::keyserver
