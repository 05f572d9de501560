#include "openpgp/keyring.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>

namespace sealpost::openpgp {

namespace {

// librnp writes diagnostics to a file descriptor; Sealpost's log is the only place for
// messages, so librnp's own go nowhere. librnp closes the descriptor it was given when the
// context is destroyed, so each context gets a duplicate of its own.
int null_log_fd() {
    static int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    return ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

bool has_usable_key_for(rnp_key_handle_t primary, const char* usage) {
    bool allowed = false;
    bool revoked = false;
    rnp_key_allows_usage(primary, usage, &allowed);
    rnp_key_is_revoked(primary, &revoked);
    if (allowed && !revoked) {
        return true;
    }
    size_t count = 0;
    rnp_key_get_subkey_count(primary, &count);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t raw = nullptr;
        if (rnp_key_get_subkey_at(primary, i, &raw) != RNP_SUCCESS) {
            continue;
        }
        rnp::Key sub(raw);
        bool sub_allowed = false;
        bool sub_valid = false;
        rnp_key_allows_usage(sub.get(), usage, &sub_allowed);
        rnp_key_is_valid(sub.get(), &sub_valid);
        if (sub_allowed && sub_valid) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> read_user_ids(rnp_key_handle_t key) {
    std::vector<std::string> uids;
    size_t count = 0;
    rnp::check(rnp_key_get_uid_count(key, &count), "count user IDs");
    for (size_t i = 0; i < count; ++i) {
        char* raw = nullptr;
        rnp::check(rnp_key_get_uid_at(key, i, &raw), "read user ID");
        uids.push_back(rnp::take_string(raw));
    }
    return uids;
}

std::string export_key(rnp_ffi_t ffi, std::string_view fingerprint, uint32_t flags,
                       const rnp::Key& key) {
    auto out = rnp::output_to_memory();
    rnp::check(rnp_key_export(key.get(), out.get(), flags | RNP_KEY_EXPORT_SUBKEYS),
               "export key " + std::string(fingerprint));
    (void)ffi;
    return rnp::memory_contents(out.get());
}

}  // namespace

std::string fingerprint_of(rnp_key_handle_t key) {
    char* raw = nullptr;
    rnp::check(rnp_key_get_fprint(key, &raw), "read fingerprint");
    return rnp::take_string(raw);
}

Keyring::Keyring() {
    rnp::check(rnp_ffi_create(&ffi_, "GPG", "GPG"), "create OpenPGP context");
    if (int fd = null_log_fd(); fd >= 0 && rnp_ffi_set_log_fd(ffi_, fd) != RNP_SUCCESS) {
        ::close(fd);
    }
    rnp_ffi_set_pass_provider(ffi_, &Keyring::provide_password, this);
}

Keyring::~Keyring() {
    rnp_ffi_destroy(ffi_);
}

void Keyring::set_key_provider(KeyProvider provider) {
    provider_ = std::move(provider);
    rnp_ffi_set_key_provider(ffi_, provider_ ? &Keyring::provide_key : nullptr, this);
}

void Keyring::provide_key(rnp_ffi_t, void* self, const char* identifier_type,
                          const char* identifier, bool secret) {
    auto* keyring = static_cast<Keyring*>(self);
    // librnp calls this from inside an operation, through C: nothing may propagate. A key
    // that cannot be provided is simply missing, and the operation reports that.
    try {
        keyring->provider_(*keyring, identifier_type, identifier, secret);
    } catch (...) {
    }
}

bool Keyring::provide_password(rnp_ffi_t, void* self, rnp_key_handle_t, const char*, char buf[],
                               size_t buf_len) {
    const auto& secret = static_cast<Keyring*>(self)->passphrase_.reveal();
    if (secret.empty() || secret.size() + 1 > buf_len) {
        return false;
    }
    std::memcpy(buf, secret.c_str(), secret.size() + 1);
    return true;
}

std::vector<std::string> Keyring::primary_fingerprints() const {
    rnp_identifier_iterator_t raw = nullptr;
    rnp::check(rnp_identifier_iterator_create(ffi_, &raw, "fingerprint"), "list keys");
    std::vector<std::string> primaries;
    const char* id = nullptr;
    while (rnp_identifier_iterator_next(raw, &id) == RNP_SUCCESS && id != nullptr) {
        auto key = find(id);
        bool primary = false;
        rnp_key_is_primary(key.get(), &primary);
        if (primary)
            primaries.push_back(upper_hex(id));
    }
    rnp_identifier_iterator_destroy(raw);
    return primaries;
}

// GnuPG's keybox (pubring.kbx) is not a stream of OpenPGP packets; librnp reads it as a
// keyring format of its own.
std::vector<std::string> Keyring::import_keybox(std::string_view data) {
    auto before = primary_fingerprints();
    auto input = rnp::input_from(data);
    rnp_result_t rc = rnp_load_keys(ffi_, "KBX", input.get(), RNP_LOAD_SAVE_PUBLIC_KEYS);
    if (rc != RNP_SUCCESS) {
        throw Error(ErrorKind::BadInput,
                    std::string("not a readable GnuPG keybox: ") + rnp_result_to_string(rc));
    }
    std::vector<std::string> added;
    for (auto& fpr : primary_fingerprints()) {
        if (std::find(before.begin(), before.end(), fpr) == before.end())
            added.push_back(fpr);
    }
    if (added.empty()) {
        throw Error(ErrorKind::BadInput, "no OpenPGP primary key found in the keybox");
    }
    return added;
}

std::vector<std::string> Keyring::import(std::string_view data, bool with_secret) {
    char* format = nullptr;
    if (rnp_detect_key_format(reinterpret_cast<const uint8_t*>(data.data()), data.size(),
                              &format) == RNP_SUCCESS &&
        rnp::take_string(format) == "KBX") {
        return import_keybox(data);
    }
    auto input = rnp::input_from(data);
    uint32_t flags = RNP_LOAD_SAVE_PUBLIC_KEYS | (with_secret ? RNP_LOAD_SAVE_SECRET_KEYS : 0);
    char* results = nullptr;
    rnp_result_t rc = rnp_import_keys(ffi_, input.get(), flags, &results);
    if (rc != RNP_SUCCESS) {
        throw Error(ErrorKind::BadInput,
                    std::string("not a readable OpenPGP key: ") + rnp_result_to_string(rc));
    }
    auto report = nlohmann::json::parse(rnp::take_string(results));
    std::vector<std::string> primaries;
    for (const auto& entry : report.value("keys", nlohmann::json::array())) {
        auto fpr = upper_hex(entry.value("fingerprint", std::string()));
        auto key = find(fpr);
        bool primary = false;
        rnp_key_is_primary(key.get(), &primary);
        if (primary && std::find(primaries.begin(), primaries.end(), fpr) == primaries.end()) {
            primaries.push_back(fpr);
        }
    }
    if (primaries.empty()) {
        throw Error(ErrorKind::BadInput, "no OpenPGP primary key found in the data");
    }
    return primaries;
}

bool Keyring::contains(std::string_view fingerprint) const {
    rnp_key_handle_t raw = nullptr;
    std::string fpr(fingerprint);
    if (rnp_locate_key(ffi_, "fingerprint", fpr.c_str(), &raw) != RNP_SUCCESS || !raw) {
        return false;
    }
    rnp_key_handle_destroy(raw);
    return true;
}

rnp::Key Keyring::find(std::string_view fingerprint) const {
    rnp_key_handle_t raw = nullptr;
    std::string fpr(fingerprint);
    rnp::check(rnp_locate_key(ffi_, "fingerprint", fpr.c_str(), &raw), "locate key " + fpr);
    if (raw == nullptr) {
        throw Error(ErrorKind::NotFound, "key " + fpr + " is not in the keyring");
    }
    return rnp::Key(raw);
}

KeyInfo Keyring::info(std::string_view fingerprint) const {
    auto key = find(fingerprint);
    KeyInfo info;
    info.fingerprint = fingerprint_of(key.get());
    char* raw = nullptr;
    rnp::check(rnp_key_get_keyid(key.get(), &raw), "read key ID");
    info.key_id = rnp::take_string(raw);
    rnp::check(rnp_key_get_alg(key.get(), &raw), "read algorithm");
    info.algorithm = rnp::take_string(raw);
    rnp::check(rnp_key_get_bits(key.get(), &info.bits), "read key size");
    uint32_t created = 0;
    uint32_t expiration = 0;
    rnp::check(rnp_key_get_creation(key.get(), &created), "read creation time");
    rnp::check(rnp_key_get_expiration(key.get(), &expiration), "read expiration");
    info.created = created;
    info.expires = expiration == 0 ? 0 : static_cast<std::int64_t>(created) + expiration;
    rnp::check(rnp_key_is_revoked(key.get(), &info.revoked), "read revocation");
    rnp::check(rnp_key_have_secret(key.get(), &info.has_secret), "read secret presence");
    info.user_ids = read_user_ids(key.get());
    for (const auto& uid : info.user_ids) {
        auto address = address_from_user_id(uid);
        if (address && std::find(info.addresses.begin(), info.addresses.end(), *address) ==
                           info.addresses.end()) {
            info.addresses.push_back(*address);
        }
    }
    size_t subkeys = 0;
    rnp_key_get_subkey_count(key.get(), &subkeys);
    for (size_t i = 0; i < subkeys; ++i) {
        rnp_key_handle_t sub = nullptr;
        rnp::check(rnp_key_get_subkey_at(key.get(), i, &sub), "read subkey");
        rnp::Key owned(sub);
        rnp::check(rnp_key_get_keyid(owned.get(), &raw), "read subkey ID");
        info.subkey_ids.push_back(rnp::take_string(raw));
    }
    info.can_encrypt = has_usable_key_for(key.get(), "encrypt");
    info.can_sign = has_usable_key_for(key.get(), "sign");
    return info;
}

void Keyring::check_limits(std::string_view fingerprint, const KeyLimits& limits) const {
    auto key = find(fingerprint);
    auto uids = read_user_ids(key.get());
    if (uids.size() > limits.max_user_ids) {
        throw Error(ErrorKind::LimitExceeded,
                    "key " + std::string(fingerprint) + " has " + std::to_string(uids.size()) +
                        " user IDs, more than the limit of " + std::to_string(limits.max_user_ids));
    }
    for (const auto& uid : uids) {
        if (uid.size() > limits.max_user_id_bytes) {
            throw Error(ErrorKind::LimitExceeded,
                        "key " + std::string(fingerprint) + " has a user ID of " +
                            std::to_string(uid.size()) + " bytes, more than the limit of " +
                            std::to_string(limits.max_user_id_bytes));
        }
    }
    size_t subkeys = 0;
    rnp_key_get_subkey_count(key.get(), &subkeys);
    if (subkeys > limits.max_subkeys) {
        throw Error(ErrorKind::LimitExceeded, "key " + std::string(fingerprint) + " has " +
                                                  std::to_string(subkeys) + " subkeys");
    }
}

bool Keyring::has_valid_self_signature(std::string_view fingerprint) const {
    auto key = find(fingerprint);
    char* raw = nullptr;
    rnp::check(rnp_key_get_keyid(key.get(), &raw), "read key ID");
    std::string own_id = rnp::take_string(raw);
    size_t uids = 0;
    rnp_key_get_uid_count(key.get(), &uids);
    for (size_t u = 0; u < uids; ++u) {
        rnp_uid_handle_t uid_raw = nullptr;
        if (rnp_key_get_uid_handle_at(key.get(), u, &uid_raw) != RNP_SUCCESS)
            continue;
        rnp::Uid uid(uid_raw);
        size_t sigs = 0;
        rnp_uid_get_signature_count(uid.get(), &sigs);
        for (size_t i = 0; i < sigs; ++i) {
            rnp_signature_handle_t sig_raw = nullptr;
            if (rnp_uid_get_signature_at(uid.get(), i, &sig_raw) != RNP_SUCCESS)
                continue;
            rnp::Signature sig(sig_raw);
            rnp_signature_get_keyid(sig.get(), &raw);
            if (upper_hex(rnp::take_string(raw)) != upper_hex(own_id))
                continue;
            auto rc = rnp_signature_is_valid(sig.get(), 0);
            if (rc == RNP_SUCCESS || rc == RNP_ERROR_SIGNATURE_EXPIRED)
                return true;
        }
    }
    return false;
}

std::size_t Keyring::strip_third_party_signatures(std::string_view fingerprint) {
    auto key = find(fingerprint);
    std::size_t removed = 0;
    auto count_removed = [](rnp_ffi_t, void* ctx, rnp_signature_handle_t, uint32_t* action) {
        if (*action == RNP_KEY_SIGNATURE_REMOVE) {
            ++*static_cast<std::size_t*>(ctx);
        }
    };
    rnp::check(rnp_key_remove_signatures(key.get(), RNP_KEY_SIGNATURE_NON_SELF_SIG, count_removed,
                                         &removed),
               "remove third-party signatures");
    return removed;
}

std::string Keyring::export_public(std::string_view fingerprint, bool armored) const {
    auto key = find(fingerprint);
    uint32_t flags = RNP_KEY_EXPORT_PUBLIC | (armored ? RNP_KEY_EXPORT_ARMORED : 0);
    return export_key(ffi_, fingerprint, flags, key);
}

std::string Keyring::export_secret(std::string_view fingerprint, bool armored) const {
    auto key = find(fingerprint);
    bool has_secret = false;
    rnp_key_have_secret(key.get(), &has_secret);
    if (!has_secret) {
        throw Error(ErrorKind::Unusable, "key " + std::string(fingerprint) + " has no secret part");
    }
    uint32_t flags = RNP_KEY_EXPORT_SECRET | (armored ? RNP_KEY_EXPORT_ARMORED : 0);
    return export_key(ffi_, fingerprint, flags, key);
}

std::string Keyring::export_minimal(std::string_view fingerprint,
                                    const std::string& user_id) const {
    auto key = find(fingerprint);
    auto output = rnp::output_to_memory();
    rnp::check(rnp_key_export_autocrypt(key.get(), nullptr, user_id.c_str(), output.get(), 0),
               "export minimal key " + std::string(fingerprint), ErrorKind::Unusable);
    return rnp::memory_contents(output.get());
}

void Keyring::reprotect(std::string_view fingerprint, const Secret& current, const Secret& next,
                        std::size_t iterations) {
    auto primary = find(fingerprint);
    std::vector<rnp::Key> parts;
    parts.push_back(std::move(primary));
    size_t count = 0;
    rnp_key_get_subkey_count(parts.front().get(), &count);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t raw = nullptr;
        rnp::check(rnp_key_get_subkey_at(parts.front().get(), i, &raw), "read subkey");
        parts.emplace_back(raw);
    }
    for (auto& part : parts) {
        bool secret = false;
        rnp_key_have_secret(part.get(), &secret);
        if (!secret) {
            continue;
        }
        bool is_protected = false;
        rnp_key_is_protected(part.get(), &is_protected);
        if (is_protected) {
            const char* pass = current.empty() ? "" : current.reveal().c_str();
            if (rnp_key_unprotect(part.get(), pass) != RNP_SUCCESS) {
                throw Error(
                    ErrorKind::WrongPassphrase,
                    "the passphrase does not unlock secret key " + std::string(fingerprint));
            }
        }
        rnp::check(rnp_key_protect(part.get(), next.reveal().c_str(), "AES256", nullptr, "SHA256",
                                   iterations),
                   "protect secret key " + std::string(fingerprint));
        // Protection changes the stored form only; the material must also leave memory.
        bool locked = false;
        rnp_key_is_locked(part.get(), &locked);
        if (!locked) {
            rnp::check(rnp_key_lock(part.get()), "lock secret key " + std::string(fingerprint));
        }
    }
}

void Keyring::remove(std::string_view fingerprint) {
    auto key = find(fingerprint);
    bool secret = false;
    rnp_key_have_secret(key.get(), &secret);
    // librnp refuses to remove a secret part that is not there.
    uint32_t flags =
        RNP_KEY_REMOVE_PUBLIC | RNP_KEY_REMOVE_SUBKEYS | (secret ? RNP_KEY_REMOVE_SECRET : 0);
    rnp::check(rnp_key_remove(key.get(), flags), "remove key");
}

}  // namespace sealpost::openpgp
