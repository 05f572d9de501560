#include "smtp/gateway/self_signed.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <functional>
#include <memory>

#include "common/error.hpp"
#include "common/files.hpp"

namespace sealpost::smtp {

namespace {

struct Free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

[[noreturn]] void fail(const std::string& what) {
    unsigned long code = ERR_get_error();
    char reason[256] = "unknown reason";
    if (code != 0) {
        ERR_error_string_n(code, reason, sizeof reason);
    }
    throw Error(ErrorKind::Internal, "cannot make the TLS certificate: " + what + ": " + reason);
}

void check(int ok, const std::string& what) {
    if (ok <= 0) {
        fail(what);
    }
}

std::string pem_of(const std::function<int(BIO*)>& write) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) <= 0) {
        fail("PEM encoding");
    }
    char* data = nullptr;
    long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509* certificate, int nid, const std::string& value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
    Owned<X509_EXTENSION> extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
    if (!extension) {
        fail("extension " + value);
    }
    check(X509_add_ext(certificate, extension.get(), -1), "adding extension " + value);
}

Owned<X509> make_certificate(EVP_PKEY* key, const std::string& host) {
    Owned<X509> certificate(X509_new());
    if (!certificate) {
        fail("X509_new");
    }
    check(X509_set_version(certificate.get(), 2), "version");
    unsigned char serial[16];
    check(RAND_bytes(serial, sizeof serial), "serial number");
    serial[0] &= 0x7f;
    BIGNUM* number = BN_bin2bn(serial, sizeof serial, nullptr);
    check(number != nullptr && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate.get()))
              ? 1
              : 0,
          "serial number");
    BN_free(number);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 10L * 365 * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(certificate.get());
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1,
                                     0),
          "subject name");
    check(X509_set_issuer_name(certificate.get(), name), "issuer name");
    check(X509_set_pubkey(certificate.get(), key), "public key");
    add_extension(certificate.get(), NID_subject_alt_name, "DNS:" + host);
    add_extension(certificate.get(), NID_basic_constraints, "critical,CA:FALSE");
    check(X509_sign(certificate.get(), key, EVP_sha256()), "signature");
    return certificate;
}

}  // namespace

void write_self_signed_certificate(const std::string& host_name,
                                   const std::filesystem::path& certificate_file,
                                   const std::filesystem::path& key_file) {
    Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
    if (!key) {
        fail("generating the P-256 key");
    }
    auto certificate = make_certificate(key.get(), host_name);
    std::string key_pem = pem_of([&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    std::string certificate_pem =
        pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate.get()); });
    std::filesystem::create_directories(key_file.parent_path());
    std::filesystem::create_directories(certificate_file.parent_path());
    files::write_atomic(key_file, key_pem, 0600);
    files::write_atomic(certificate_file, certificate_pem, 0644);
}

std::string machine_host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') {
        return "localhost";
    }
    return name;
}

}  // namespace sealpost::smtp
