// Shared fixture of the directory tests: a fresh keystore database in a temporary folder and a
// SqliteDirectory on it, with example.org as a local domain.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "../../support/temp_dir.hpp"
#include "common/error.hpp"
#include "common/log.hpp"
#include "directory/sqlite_directory.hpp"
#include "keystore/sqlite/sqlite_store.hpp"

namespace sealpost::directory::testing {

using sealpost::testing::TempDir;

// Runs `sql` on the database file directly, beside the directory's own connection.
inline void raw_execute(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "") << " in: " << sql;
    sqlite3_free(message);
    sqlite3_close(db);
}

// The first column of the first row of `sql`, as text ("" when there is none).
inline std::string raw_text(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

// The kind of Error that `work` throws; fails the test when it throws none.
template <typename Work>
ErrorKind error_kind(Work&& work, std::string* message = nullptr) {
    try {
        work();
    } catch (const Error& e) {
        if (message != nullptr) {
            *message = e.what();
        }
        return e.kind();
    }
    ADD_FAILURE() << "no error thrown";
    return ErrorKind::Internal;
}

class DirectoryTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_level(log::Level::Warn);
        keystore::sqlite::SqliteStore create(db_path().string(), true);
        open();
        directory().add_domain("example.org");
    }

    void open() {
        directory_.reset();
        directory_ = std::make_unique<SqliteDirectory>(db_path().string());
    }

    std::filesystem::path db_path() const { return dir_.path() / "keystore.db"; }
    SqliteDirectory& directory() { return *directory_; }

    TempDir dir_;
    std::unique_ptr<SqliteDirectory> directory_;
};

}  // namespace sealpost::directory::testing
