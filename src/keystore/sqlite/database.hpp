// Minimal RAII over the SQLite C API: a connection and prepared statements that are reset
// after use. Errors become sealpost::Error; SQLITE_BUSY becomes ErrorKind::Temporary.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace sealpost::keystore::sqlite {

class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::string_view text);
    Statement& bind_blob(int index, std::string_view bytes);
    Statement& bind(int index, std::int64_t value);
    Statement& bind_null(int index);

    bool step();  // true while a row is available
    void run();   // steps to completion
    void reset();

    std::string text(int column) const;
    std::string blob(int column) const;
    std::int64_t integer(int column) const;
    bool is_null(int column) const;

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

// Resets a statement when the scope ends. A statement left on a row keeps a read transaction
// open, which holds the whole connection on that snapshot of the database: every later query
// would miss what other connections commit. So a statement read for one row, or abandoned by
// an exception, is reset through this.
class ResetAtExit {
public:
    explicit ResetAtExit(Statement& statement) : statement_(statement) {}
    ~ResetAtExit() { statement_.reset(); }
    ResetAtExit(const ResetAtExit&) = delete;
    ResetAtExit& operator=(const ResetAtExit&) = delete;

private:
    Statement& statement_;
};

class Database {
public:
    explicit Database(const std::string& path, bool create);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    sqlite3* handle() const { return db_; }
    void execute(std::string_view sql);
    // A statement prepared once per connection and reused; reset before it is returned.
    Statement& cached(const std::string& sql);
    std::unique_ptr<Statement> prepare(std::string_view sql);

private:
    sqlite3* db_ = nullptr;
    std::map<std::string, std::unique_ptr<Statement>> cache_;
};

// Throws the Error for a failed SQLite call, naming `what`.
[[noreturn]] void fail(sqlite3* db, int rc, std::string_view what);

}  // namespace sealpost::keystore::sqlite
