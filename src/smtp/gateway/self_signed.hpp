// The STARTTLS certificate `sealpost init` makes so TLS works from the first start: a
// self-signed ECDSA P-256 certificate for this host, valid ten years. Sites replace it with
// their own (sealpost.toml [smtp] tls_certificate, tls_key).
#pragma once

#include <filesystem>
#include <string>

namespace sealpost::smtp {

// Writes the certificate (0644) and its private key (0600) as PEM. Throws Error naming what
// failed; never leaves a key file readable by others.
void write_self_signed_certificate(const std::string& host_name,
                                   const std::filesystem::path& certificate_file,
                                   const std::filesystem::path& key_file);

// This machine's host name, for the greeting and certificates; "localhost" if unknown.
std::string machine_host_name();

}  // namespace sealpost::smtp
