// Answers to the keystore's frequent questions, remembered on one connection: the keys of an
// address, the keys with a key ID, a key's record, an address's preferred key, a domain's key.
// Mail asks the same questions again and again (the decision, then the treatment, then the
// next message between the same people), and each is a query over indexes far larger than
// SQLite's page cache. This class only holds answers, up to a bound; SqliteStore decides when
// they are still true and clears them otherwise. Not thread-safe, like the connection.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "keystore/store.hpp"

namespace sealpost::keystore::sqlite {

class LookupCache {
public:
    enum class Question : char {
        KeysOfAddress = 'a',
        KeysOfKeyId = 'i',
        Record = 'r',
        PreferredKey = 'p',
        DomainKey = 'd',
    };

    explicit LookupCache(std::size_t max_answers = 4096) : max_answers_(max_answers) {}

    // The remembered answer, or nullptr when there is none.
    const std::vector<KeyRecord>* records(Question question, const std::string& subject) const;
    const std::optional<std::string>* fingerprint(Question question,
                                                  const std::string& subject) const;

    void remember(Question question, const std::string& subject,
                  const std::vector<KeyRecord>& answer);
    void remember(Question question, const std::string& subject,
                  const std::optional<std::string>& answer);

    void clear();
    std::size_t size() const { return records_.size() + fingerprints_.size(); }

private:
    static std::string key_of(Question question, const std::string& subject);
    void make_room();

    std::size_t max_answers_;
    std::unordered_map<std::string, std::vector<KeyRecord>> records_;
    std::unordered_map<std::string, std::optional<std::string>> fingerprints_;
};

}  // namespace sealpost::keystore::sqlite
