// The keystore schema, one migration per version. PRAGMA user_version records how far a
// database has been migrated; a migration never changes once released.
#pragma once

#include <array>
#include <string_view>

namespace sealpost::keystore::sqlite {

inline constexpr std::array<std::string_view, 2> migrations = {
    // Version 1: keys with their metadata, addresses, preferred keys, domain keys, transport
    // keys, key IDs of primary keys and subkeys, local domains and store metadata (the passphrase
    // verifier lives there).
    R"sql(
CREATE TABLE meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE keys (
    fingerprint    TEXT PRIMARY KEY,
    key_id         TEXT NOT NULL,
    public_packets BLOB NOT NULL,
    secret_packets BLOB,
    user_ids       TEXT NOT NULL,
    algorithm      TEXT NOT NULL,
    bits           INTEGER NOT NULL,
    created        INTEGER NOT NULL,
    expires        INTEGER NOT NULL DEFAULT 0,
    revoked        INTEGER NOT NULL DEFAULT 0,
    can_encrypt    INTEGER NOT NULL,
    can_sign       INTEGER NOT NULL,
    enabled        INTEGER NOT NULL DEFAULT 1,
    origin         TEXT NOT NULL,
    cache_until    INTEGER NOT NULL DEFAULT 0,
    added          INTEGER NOT NULL,
    updated        INTEGER NOT NULL
);
CREATE TABLE key_addresses (
    address     TEXT NOT NULL,
    domain      TEXT NOT NULL,
    fingerprint TEXT NOT NULL REFERENCES keys (fingerprint) ON DELETE CASCADE,
    PRIMARY KEY (address, fingerprint)
) WITHOUT ROWID;
CREATE INDEX key_addresses_by_fingerprint ON key_addresses (fingerprint);
CREATE INDEX key_addresses_by_domain ON key_addresses (domain);
CREATE TABLE key_ids (
    key_id      TEXT NOT NULL,
    fingerprint TEXT NOT NULL REFERENCES keys (fingerprint) ON DELETE CASCADE,
    PRIMARY KEY (key_id, fingerprint)
) WITHOUT ROWID;
CREATE INDEX key_ids_by_fingerprint ON key_ids (fingerprint);
CREATE TABLE preferred_keys (
    address     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES keys (fingerprint) ON DELETE CASCADE
);
CREATE TABLE domain_keys (
    domain      TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES keys (fingerprint) ON DELETE CASCADE
);
CREATE TABLE transport_keys (
    ip          TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL REFERENCES keys (fingerprint) ON DELETE CASCADE
);
CREATE TABLE local_domains (
    domain TEXT PRIMARY KEY
);
)sql",
    // Version 2: the directory (src/directory/): accounts of local users, with an optional
    // Argon2id password hash for SMTP AUTH, and group membership for rules.txt's GROUP:name.
    // Domains stay in local_domains.
    R"sql(
CREATE TABLE accounts (
    address       TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    created       INTEGER NOT NULL
);
CREATE TABLE group_members (
    group_name TEXT NOT NULL,
    address    TEXT NOT NULL REFERENCES accounts (address) ON DELETE CASCADE,
    PRIMARY KEY (group_name, address)
) WITHOUT ROWID;
CREATE INDEX group_members_by_address ON group_members (address);
)sql",
};

}  // namespace sealpost::keystore::sqlite
