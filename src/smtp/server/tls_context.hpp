// The TLS side of STARTTLS: a server context made from the PEM files an administrator names.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace sealpost::smtp {

// A TLS 1.2+ server context with the certificate chain (leaf first) and its private key.
// Throws sealpost::Error(BadInput) naming the file and the reason when a file cannot be read,
// is not PEM, or the key does not match the certificate.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(
    const std::string& certificate_chain_file, const std::string& private_key_file);

}  // namespace sealpost::smtp
