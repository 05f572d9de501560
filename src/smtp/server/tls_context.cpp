// Server TLS contexts from PEM files (see tls_context.hpp).
#include "smtp/server/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "common/error.hpp"

namespace sealpost::smtp {

namespace asio = boost::asio;

namespace {

// OpenSSL's own reason for the last failure, which says more than Asio's error category.
std::string openssl_reason(const boost::system::error_code& error) {
    unsigned long code = ERR_peek_last_error();
    ERR_clear_error();
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        return text;
    }
    return error.message();
}

}  // namespace

std::shared_ptr<asio::ssl::context> make_tls_context(const std::string& certificate_chain_file,
                                                     const std::string& private_key_file) {
    auto context = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
    boost::system::error_code error;
    context->use_certificate_chain_file(certificate_chain_file, error);
    if (error) {
        throw Error(ErrorKind::BadInput, "TLS certificate " + certificate_chain_file +
                                             " cannot be used: " + openssl_reason(error));
    }
    context->use_private_key_file(private_key_file, asio::ssl::context::pem, error);
    if (error) {
        throw Error(ErrorKind::BadInput, "TLS private key " + private_key_file +
                                             " cannot be used: " + openssl_reason(error));
    }
    if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
        throw Error(ErrorKind::BadInput, "TLS private key " + private_key_file +
                                             " does not match the certificate in " +
                                             certificate_chain_file);
    }
    return context;
}

}  // namespace sealpost::smtp
