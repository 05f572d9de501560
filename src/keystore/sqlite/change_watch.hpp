// Whether a database may have changed since answers were last read from it, asked of one
// connection: PRAGMA data_version moves with every commit of another connection (in this
// process or another), sqlite3_total_changes64 with every write of this one. Remembered
// answers (the keystore's lookups, the directory's) are thrown away when it says so.
// Not thread-safe, like the connection.
#pragma once

#include <cstdint>

#include "keystore/sqlite/database.hpp"

namespace sealpost::keystore::sqlite {

class ChangeWatch {
public:
    explicit ChangeWatch(Database& db) : db_(db) {}

    // True when something was committed since the previous call (and on the first call).
    // While held, other connections' commits are looked for on the first call only; this
    // connection's own writes are seen every time.
    bool changed();

    // For one message's processing: the answers stay as they were when it began.
    void hold(bool on) {
        held_ = on;
        checked_while_held_ = false;
    }

private:
    Database& db_;
    std::int64_t data_version_ = -1;  // PRAGMA data_version at the last call
    std::int64_t own_changes_ = -1;   // sqlite3_total_changes64 then
    bool held_ = false;
    bool checked_while_held_ = false;  // data_version read since hold(true)
};

}  // namespace sealpost::keystore::sqlite
