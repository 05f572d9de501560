#include "keystore/sqlite/lookup_cache.hpp"

namespace sealpost::keystore::sqlite {

std::string LookupCache::key_of(Question question, const std::string& subject) {
    std::string key;
    key.reserve(subject.size() + 1);
    key += static_cast<char>(question);
    key += subject;
    return key;
}

const std::vector<KeyRecord>* LookupCache::records(Question question,
                                                   const std::string& subject) const {
    auto it = records_.find(key_of(question, subject));
    return it == records_.end() ? nullptr : &it->second;
}

const std::optional<std::string>* LookupCache::fingerprint(Question question,
                                                           const std::string& subject) const {
    auto it = fingerprints_.find(key_of(question, subject));
    return it == fingerprints_.end() ? nullptr : &it->second;
}

void LookupCache::remember(Question question, const std::string& subject,
                           const std::vector<KeyRecord>& answer) {
    make_room();
    records_[key_of(question, subject)] = answer;
}

void LookupCache::remember(Question question, const std::string& subject,
                           const std::optional<std::string>& answer) {
    make_room();
    fingerprints_[key_of(question, subject)] = answer;
}

void LookupCache::clear() {
    records_.clear();
    fingerprints_.clear();
}

// Starting over when full keeps the bound without bookkeeping per answer; a worker's set of
// busy addresses is refilled within a few messages.
void LookupCache::make_room() {
    if (size() >= max_answers_) {
        clear();
    }
}

}  // namespace sealpost::keystore::sqlite
