// The answers a directory remembers between messages: is_local, find_account and is_member
// answer from memory while nothing changed, and never once a change is committed, whether by
// this connection or another (`sealpost users remove` in another process).
#include "common/lookup_hold.hpp"
#include "directory_test_support.hpp"

namespace sealpost::directory::testing {
namespace {

class RememberedTest : public DirectoryTest {
protected:
    void SetUp() override {
        DirectoryTest::SetUp();
        directory().add_account("alice@example.org", "", std::nullopt);
        directory().add_member("staff", "alice@example.org");
        other_ = std::make_unique<SqliteDirectory>(db_path().string());
    }

    void ask_all() {
        EXPECT_TRUE(directory().is_local("example.org"));
        EXPECT_TRUE(directory().find_account("alice@example.org").has_value());
        EXPECT_TRUE(directory().is_member("staff", "alice@example.org"));
    }

    SqliteDirectory& other() { return *other_; }

    std::unique_ptr<SqliteDirectory> other_;
};

TEST_F(RememberedTest, AnswersAreRememberedWhileNothingChanges) {
    ask_all();
    EXPECT_EQ(directory().remembered_answers(), 3u);
    ask_all();
    EXPECT_EQ(directory().remembered_answers(), 3u);
    EXPECT_FALSE(directory().find_account("nobody@example.org").has_value());
    EXPECT_FALSE(directory().is_local("example.net"));
    EXPECT_EQ(directory().remembered_answers(), 5u);
}

TEST_F(RememberedTest, AnotherConnectionsChangeIsSeenAtTheNextQuestion) {
    ask_all();
    other().remove_member("staff", "alice@example.org");
    EXPECT_FALSE(directory().is_member("staff", "alice@example.org"));
    other().remove_account("alice@example.org");
    EXPECT_FALSE(directory().find_account("alice@example.org").has_value());
    other().remove_domain("example.org");
    EXPECT_FALSE(directory().is_local("example.org"));
}

TEST_F(RememberedTest, AChangeOutsideSealpostIsSeenToo) {
    ask_all();
    raw_execute(db_path(), "DELETE FROM local_domains WHERE domain = 'example.org'");
    EXPECT_FALSE(directory().is_local("example.org"));
}

TEST_F(RememberedTest, OwnChangesAreSeenAtOnce) {
    ask_all();
    directory().remove_account("alice@example.org");  // memberships go with it
    EXPECT_FALSE(directory().find_account("alice@example.org").has_value());
    EXPECT_FALSE(directory().is_member("staff", "alice@example.org"));
    directory().add_account("alice@example.org", "Alice", std::nullopt);
    ASSERT_TRUE(directory().find_account("alice@example.org").has_value());
    EXPECT_EQ(directory().find_account("alice@example.org")->display_name, "Alice");
}

// One message sees the directory as its first question found it; the next sees the change.
TEST_F(RememberedTest, AHoldChecksOtherConnectionsOnce) {
    {
        LookupHold held(directory());
        ask_all();
        other().remove_member("staff", "alice@example.org");
        EXPECT_TRUE(directory().is_member("staff", "alice@example.org"));
        directory().add_member("staff", "alice@example.org");  // own write: data read again
        EXPECT_TRUE(directory().is_member("staff", "alice@example.org"));
        other().remove_member("staff", "alice@example.org");
    }
    {
        LookupHold held(directory());
        EXPECT_FALSE(directory().is_member("staff", "alice@example.org"));
    }
}

TEST_F(RememberedTest, TheNumberOfAnswersIsBounded) {
    for (int i = 0; i < 5000; ++i) {
        EXPECT_FALSE(directory().find_account("u" + std::to_string(i) + "@example.org"));
    }
    EXPECT_LE(directory().remembered_answers(), 4096u);
    EXPECT_TRUE(directory().find_account("alice@example.org").has_value());
}

}  // namespace
}  // namespace sealpost::directory::testing
