#include "common/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "common/error.hpp"

namespace sealpost::files {

TEST(Files, WriteAtomicThenReadBack) {
    auto dir =
        std::filesystem::temp_directory_path() / ("sealpost-files-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    write_atomic(dir / "secret", "hunter2", 0600);
    EXPECT_EQ(read(dir / "secret"), "hunter2");
    struct stat st {};
    ASSERT_EQ(::stat((dir / "secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::filesystem::remove_all(dir);
}

TEST(Files, MissingFileIsNotFound) {
    try {
        read("/nonexistent/sealpost/file");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotFound);
    }
}

TEST(Files, OversizeIsRefused) {
    auto dir =
        std::filesystem::temp_directory_path() / ("sealpost-big-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    write_atomic(dir / "big", std::string(100, 'x'));
    EXPECT_THROW(read(dir / "big", 10), Error);
    std::filesystem::remove_all(dir);
}

}  // namespace sealpost::files
