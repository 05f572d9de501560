#include "keystore/sqlite/change_watch.hpp"

#include "common/error.hpp"

namespace sealpost::keystore::sqlite {

bool ChangeWatch::changed() {
    auto changes = sqlite3_total_changes64(db_.handle());
    if (held_ && checked_while_held_ && changes == own_changes_) {
        return false;
    }
    auto& stmt = db_.cached("PRAGMA data_version");
    ResetAtExit done(stmt);
    if (!stmt.step()) {
        throw Error(ErrorKind::Internal, "PRAGMA data_version returned nothing");
    }
    auto version = stmt.integer(0);
    bool moved = version != data_version_ || changes != own_changes_;
    data_version_ = version;
    own_changes_ = changes;
    checked_while_held_ = held_;
    return moved;
}

}  // namespace sealpost::keystore::sqlite
