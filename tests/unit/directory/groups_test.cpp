// Groups of accounts: members are accounts, names ignore ASCII case as rules.txt's GROUP:name
// does, and is_member answers the rules evaluator.
#include "directory_test_support.hpp"
#include "policy/rules.hpp"

namespace sealpost::directory::testing {
namespace {

using Names = std::vector<std::string>;

class GroupsTest : public DirectoryTest {
protected:
    void SetUp() override {
        DirectoryTest::SetUp();
        directory().add_account("alice@example.org", "", std::nullopt);
        directory().add_account("bob@example.org", "", std::nullopt);
    }
};

TEST_F(GroupsTest, MembersAreListedAndAnswered) {
    directory().add_member("Signers", "Bob@Example.org");
    directory().add_member("signers", "alice@example.org");
    directory().add_member("board.2026", "alice@example.org");
    EXPECT_EQ(directory().groups(), (Names{"board.2026", "signers"}));
    EXPECT_EQ(directory().members("SIGNERS"), (Names{"alice@example.org", "bob@example.org"}));
    EXPECT_EQ(directory().members("board.2026"), Names{"alice@example.org"});
    EXPECT_TRUE(directory().is_member("SiGnErS", "BOB@example.org"));
    EXPECT_FALSE(directory().is_member("board.2026", "bob@example.org"));
    EXPECT_FALSE(directory().is_member("nosuch", "bob@example.org"));
    EXPECT_TRUE(directory().members("nosuch").empty());
}

TEST_F(GroupsTest, IsMemberNeverThrowsForMalformedInput) {
    directory().add_member("signers", "alice@example.org");
    EXPECT_FALSE(directory().is_member("", "alice@example.org"));
    EXPECT_FALSE(directory().is_member("sign*", "alice@example.org"));
    EXPECT_FALSE(directory().is_member("signers", "alice"));
    EXPECT_FALSE(directory().is_member("signers", ""));
}

TEST_F(GroupsTest, OnlyAccountsCanBeMembers) {
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().add_member("signers", "carol@example.org"); }, &message),
              ErrorKind::NotFound);
    EXPECT_EQ(message, "no account carol@example.org (only accounts can be group members)");
    EXPECT_EQ(error_kind([&] { directory().add_member("signers", "carol@example.net"); }),
              ErrorKind::NotFound);
    EXPECT_TRUE(directory().groups().empty());
}

TEST_F(GroupsTest, BadGroupNamesAreRefused) {
    const std::vector<std::string> bad_names = {"",   "two words", "sign*",
                                                "a?", "group:x",   std::string(65, 'g')};
    for (const auto& bad : bad_names) {
        EXPECT_EQ(error_kind([&] { directory().add_member(bad, "alice@example.org"); }),
                  ErrorKind::BadInput)
            << bad;
    }
    EXPECT_TRUE(directory().groups().empty());
}

TEST_F(GroupsTest, AddingAMemberTwiceIsAConflict) {
    directory().add_member("signers", "alice@example.org");
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().add_member("Signers", "ALICE@example.org"); }, &message),
              ErrorKind::Conflict);
    EXPECT_EQ(message, "alice@example.org is already in group signers");
}

TEST_F(GroupsTest, RemovingMembersEmptiesAndEndsTheGroup) {
    directory().add_member("signers", "alice@example.org");
    directory().add_member("signers", "bob@example.org");
    directory().remove_member("SIGNERS", "alice@example.org");
    EXPECT_EQ(directory().members("signers"), Names{"bob@example.org"});
    std::string message;
    EXPECT_EQ(
        error_kind([&] { directory().remove_member("signers", "alice@example.org"); }, &message),
        ErrorKind::NotFound);
    EXPECT_EQ(message, "alice@example.org is not in group signers");
    directory().remove_member("signers", "bob@example.org");
    EXPECT_TRUE(directory().groups().empty());
}

TEST_F(GroupsTest, RemovingAnAccountRemovesItsMemberships) {
    directory().add_member("signers", "alice@example.org");
    directory().add_member("board", "alice@example.org");
    directory().add_member("board", "bob@example.org");
    directory().remove_account("alice@example.org");
    EXPECT_EQ(directory().groups(), Names{"board"});
    EXPECT_EQ(directory().members("board"), Names{"bob@example.org"});
    // A new account with the same address starts with no groups.
    directory().add_account("alice@example.org", "", std::nullopt);
    EXPECT_FALSE(directory().is_member("signers", "alice@example.org"));
}

TEST_F(GroupsTest, RulesAskTheDirectoryForGroupEntries) {
    directory().add_member("signers", "alice@example.org");
    policy::GroupMembership groups = [this](std::string_view group, std::string_view address) {
        return directory().is_member(group, address);
    };
    std::vector<policy::ParseError> errors;
    auto rules = policy::parse("=* ^GROUP:Signers\n", &errors);
    ASSERT_TRUE(errors.empty());
    EXPECT_EQ(rules.decide(policy::Permission::Sign, "Alice@Example.org", groups),
              policy::Decision::Allowed);
    EXPECT_EQ(rules.decide(policy::Permission::Sign, "bob@example.org", groups),
              policy::Decision::Denied);
}

}  // namespace
}  // namespace sealpost::directory::testing
