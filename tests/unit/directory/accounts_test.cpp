// Accounts: only in local domains, normalised, no duplicates; passwords kept only as Argon2id
// hashes and verified against them.
#include <sodium.h>

#include <ctime>

#include "directory/password.hpp"
#include "directory_test_support.hpp"

namespace sealpost::directory::testing {
namespace {

const Secret right_password("correct horse battery staple");
const Secret wrong_password("correct horse battery stapler");

std::vector<std::string> addresses(const std::vector<Account>& accounts) {
    std::vector<std::string> out;
    for (const auto& account : accounts) {
        out.push_back(account.address);
    }
    return out;
}

TEST_F(DirectoryTest, AccountsAreNormalisedFoundAndListed) {
    auto before = static_cast<std::int64_t>(std::time(nullptr));
    auto added = directory().add_account(" Zoe@Example.ORG ", "Zoë Zed", std::nullopt);
    directory().add_account("alice@example.org", "", right_password);
    EXPECT_EQ(added.address, "zoe@example.org");

    auto found = directory().find_account("ZOE@example.org");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->address, "zoe@example.org");
    EXPECT_EQ(found->display_name, "Zoë Zed");
    EXPECT_FALSE(found->has_password);
    EXPECT_GE(found->created, before);
    EXPECT_LE(found->created, before + 60);

    auto all = directory().accounts();
    EXPECT_EQ(addresses(all), (std::vector<std::string>{"alice@example.org", "zoe@example.org"}));
    EXPECT_TRUE(all.front().has_password);
    EXPECT_FALSE(directory().find_account("nobody@example.org").has_value());
}

TEST_F(DirectoryTest, AccountsSurviveReopening) {
    directory().add_account("alice@example.org", "Alice", right_password);
    open();
    ASSERT_TRUE(directory().find_account("alice@example.org").has_value());
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
}

TEST_F(DirectoryTest, AnAccountInADomainThatIsNotLocalIsRefused) {
    std::string message;
    EXPECT_EQ(
        error_kind([&] { directory().add_account("bob@example.net", "", std::nullopt); }, &message),
        ErrorKind::BadInput);
    EXPECT_EQ(message, "cannot add bob@example.net: example.net is not a local domain");
    EXPECT_TRUE(directory().accounts().empty());
}

TEST_F(DirectoryTest, ADuplicateAccountIsAConflict) {
    directory().add_account("alice@example.org", "Alice", std::nullopt);
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().add_account("ALICE@example.org", "", right_password); },
                         &message),
              ErrorKind::Conflict);
    EXPECT_EQ(message, "alice@example.org already has an account");
    auto kept = directory().find_account("alice@example.org");
    ASSERT_TRUE(kept.has_value());
    EXPECT_EQ(kept->display_name, "Alice");
    EXPECT_FALSE(kept->has_password);
}

TEST_F(DirectoryTest, BadAddressesNamesAndPasswordsAreRefused) {
    auto add = [&](const char* address, const char* name, std::optional<Secret> password) {
        return error_kind([&] { directory().add_account(address, name, password); });
    };
    EXPECT_EQ(add("not an address", "", std::nullopt), ErrorKind::BadInput);
    EXPECT_EQ(add("alice", "", std::nullopt), ErrorKind::BadInput);
    EXPECT_EQ(add("alice@example.org", "Alice\nBcc: evil", std::nullopt), ErrorKind::BadInput);
    EXPECT_EQ(add("alice@example.org", std::string(257, 'a').c_str(), std::nullopt),
              ErrorKind::BadInput);
    EXPECT_EQ(add("alice@example.org", "", Secret("")), ErrorKind::BadInput);
    EXPECT_EQ(add("alice@example.org", "", Secret(std::string(max_password_length + 1, 'p'))),
              ErrorKind::BadInput);
    EXPECT_TRUE(directory().accounts().empty());
}

TEST_F(DirectoryTest, RemovingAnAccount) {
    directory().add_account("alice@example.org", "", std::nullopt);
    directory().remove_account("Alice@Example.org");
    EXPECT_TRUE(directory().accounts().empty());
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().remove_account("alice@example.org"); }, &message),
              ErrorKind::NotFound);
    EXPECT_EQ(message, "no account alice@example.org");
}

TEST_F(DirectoryTest, PasswordsVerify) {
    directory().add_account("alice@example.org", "", right_password);
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
    EXPECT_TRUE(directory().verify_password("ALICE@Example.org", right_password));
    EXPECT_FALSE(directory().verify_password("alice@example.org", wrong_password));
    EXPECT_FALSE(directory().verify_password("alice@example.org", Secret()));
    EXPECT_FALSE(directory().verify_password("bob@example.org", right_password));
    EXPECT_FALSE(directory().verify_password("not an address", right_password));
}

TEST_F(DirectoryTest, AnAccountWithoutPasswordNeverVerifies) {
    directory().add_account("alice@example.org", "", std::nullopt);
    EXPECT_FALSE(directory().verify_password("alice@example.org", right_password));
    EXPECT_FALSE(directory().verify_password("alice@example.org", Secret()));
}

TEST_F(DirectoryTest, OnlyAnArgon2idHashIsStored) {
    directory().add_account("alice@example.org", "", right_password);
    auto stored = raw_text(db_path(), "SELECT password_hash FROM accounts");
    EXPECT_EQ(stored.rfind("$argon2id$", 0), 0u) << stored;
    EXPECT_EQ(stored.find(right_password.reveal()), std::string::npos);
    EXPECT_FALSE(needs_rehash(stored));
    // Salted: the same password hashes differently each time.
    EXPECT_NE(hash_password(right_password), hash_password(right_password));
}

TEST_F(DirectoryTest, ChangingThePassword) {
    directory().add_account("alice@example.org", "", std::nullopt);
    directory().set_password("alice@example.org", wrong_password);
    EXPECT_TRUE(directory().verify_password("alice@example.org", wrong_password));
    directory().set_password("Alice@example.org", right_password);
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
    EXPECT_FALSE(directory().verify_password("alice@example.org", wrong_password));
    EXPECT_TRUE(directory().find_account("alice@example.org")->has_password);

    EXPECT_EQ(error_kind([&] { directory().set_password("bob@example.org", right_password); }),
              ErrorKind::NotFound);
    EXPECT_EQ(error_kind([&] { directory().set_password("alice@example.org", Secret()); }),
              ErrorKind::BadInput);
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
}

TEST_F(DirectoryTest, AHashWithWeakerLimitsIsReplacedOnTheNextGoodLogin) {
    directory().add_account("alice@example.org", "", std::nullopt);
    ASSERT_GE(sodium_init(), 0);
    char weak[crypto_pwhash_STRBYTES];
    const auto& text = right_password.reveal();
    ASSERT_EQ(crypto_pwhash_str_alg(weak, text.data(), text.size(), 1, 8192,
                                    crypto_pwhash_ALG_ARGON2ID13),
              0);
    raw_execute(db_path(), "UPDATE accounts SET password_hash = '" + std::string(weak) + "'");

    EXPECT_FALSE(directory().verify_password("alice@example.org", wrong_password));
    EXPECT_EQ(raw_text(db_path(), "SELECT password_hash FROM accounts"), weak);
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
    auto rehashed = raw_text(db_path(), "SELECT password_hash FROM accounts");
    EXPECT_NE(rehashed, weak);
    EXPECT_FALSE(needs_rehash(rehashed));
    EXPECT_TRUE(directory().verify_password("alice@example.org", right_password));
}

TEST_F(DirectoryTest, AMalformedStoredHashDoesNotVerify) {
    directory().add_account("alice@example.org", "", right_password);
    raw_execute(db_path(), "UPDATE accounts SET password_hash = 'plain text'");
    EXPECT_FALSE(directory().verify_password("alice@example.org", Secret("plain text")));
}

}  // namespace
}  // namespace sealpost::directory::testing
