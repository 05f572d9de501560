// An in-memory OpenPGP keyring: one librnp context. Not thread-safe: each worker owns its own.
// Keys arrive as packets (from the keystore or from a file) and leave as packets.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.hpp"
#include "openpgp/key_info.hpp"
#include "openpgp/rnp.hpp"

namespace sealpost::openpgp {

// Bounds on what a key may carry, so a hostile key cannot exhaust memory or time.
struct KeyLimits {
    std::size_t max_input_bytes = 64u << 20;
    std::size_t max_user_id_bytes = 2048;
    std::size_t max_user_ids = 100;
    std::size_t max_subkeys = 100;
};

class Keyring {
public:
    Keyring();
    ~Keyring();
    Keyring(const Keyring&) = delete;
    Keyring& operator=(const Keyring&) = delete;

    rnp_ffi_t ffi() const { return ffi_; }

    // Imports every key in `data` (armored or binary, public or secret, or a GnuPG keybox
    // file, pubring.kbx). Returns the
    // fingerprints of the primary keys it held. Throws Error(BadInput) naming the problem if
    // the data holds no OpenPGP key or is damaged.
    std::vector<std::string> import(std::string_view data, bool with_secret = true);

    bool contains(std::string_view fingerprint) const;
    rnp::Key find(std::string_view fingerprint) const;  // throws Error(NotFound)
    KeyInfo info(std::string_view fingerprint) const;
    void check_limits(std::string_view fingerprint, const KeyLimits& limits) const;

    // True when at least one user ID carries a valid self-signature: a key whose packets were
    // damaged or forged has none.
    bool has_valid_self_signature(std::string_view fingerprint) const;

    // Drops every signature on the key that is not a self-signature (certificate flooding
    // defence: third-party certifications are of no use to a mail gateway). Returns how many
    // were dropped.
    std::size_t strip_third_party_signatures(std::string_view fingerprint);

    std::string export_public(std::string_view fingerprint, bool armored = false) const;
    std::string export_secret(std::string_view fingerprint, bool armored = false) const;
    // The public key cut to the primary key, `user_id` and one encryption subkey, each with
    // its self-signature (as WKD and DANE publish it). Throws Error(Unusable) when librnp
    // cannot make one, e.g. the key has no such user ID or no encryption subkey.
    std::string export_minimal(std::string_view fingerprint, const std::string& user_id) const;

    // Re-protects the secret key and its subkeys: unlocks with `current`, protects with
    // `next`. Throws Error(WrongPassphrase) if `current` does not unlock it. `iterations` 0
    // lets librnp choose (calibrated, slow on purpose).
    void reprotect(std::string_view fingerprint, const Secret& current, const Secret& next,
                   std::size_t iterations = 0);

    // The passphrase librnp is given whenever an operation needs a secret key.
    void set_passphrase(Secret passphrase) { passphrase_ = std::move(passphrase); }

    void remove(std::string_view fingerprint);

    // Called when an operation needs a key that is not in the keyring ("keyid",
    // "fingerprint" or "grip" and its value); the provider may import it.
    using KeyProvider = std::function<void(Keyring&, std::string_view identifier_type,
                                           std::string_view identifier, bool secret)>;
    void set_key_provider(KeyProvider provider);

private:
    std::vector<std::string> import_keybox(std::string_view data);
    std::vector<std::string> primary_fingerprints() const;

    static bool provide_password(rnp_ffi_t, void* self, rnp_key_handle_t, const char* context,
                                 char buf[], size_t buf_len);

    static void provide_key(rnp_ffi_t, void* self, const char* identifier_type,
                            const char* identifier, bool secret);

    rnp_ffi_t ffi_ = nullptr;
    Secret passphrase_;
    KeyProvider provider_;
};

// The fingerprint, as upper-case hex, of a key handle.
std::string fingerprint_of(rnp_key_handle_t key);

}  // namespace sealpost::openpgp
