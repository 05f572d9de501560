// Local domains: normalised, listed, removed only when no account is left in them, and shared
// with the keystore, which marks keys in them local.
#include "directory_test_support.hpp"

namespace sealpost::directory::testing {
namespace {

using Domains = std::vector<std::string>;

TEST_F(DirectoryTest, DomainsAreNormalisedAndListedInOrder) {
    directory().add_domain(" Mail.Example.NET ");
    directory().add_domain("b.example.com");
    EXPECT_EQ(directory().domains(), (Domains{"b.example.com", "example.org", "mail.example.net"}));
    EXPECT_TRUE(directory().is_local("MAIL.example.net"));
    EXPECT_FALSE(directory().is_local("example.net"));
}

TEST_F(DirectoryTest, IsLocalNeverThrowsForMalformedInput) {
    EXPECT_FALSE(directory().is_local(""));
    EXPECT_FALSE(directory().is_local("exa mple.org"));
    EXPECT_FALSE(directory().is_local("alice@example.org"));
}

TEST_F(DirectoryTest, MalformedDomainsAreRefused) {
    for (const char* bad : {"", "alice@example.org", "exa mple.org", "<example.org>"}) {
        EXPECT_EQ(error_kind([&] { directory().add_domain(bad); }), ErrorKind::BadInput) << bad;
    }
    EXPECT_EQ(directory().domains(), Domains{"example.org"});
}

TEST_F(DirectoryTest, AddingADomainTwiceIsAConflict) {
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().add_domain("EXAMPLE.org"); }, &message),
              ErrorKind::Conflict);
    EXPECT_EQ(message, "example.org is already a local domain");
}

TEST_F(DirectoryTest, RemovingADomain) {
    directory().remove_domain("Example.Org");
    EXPECT_TRUE(directory().domains().empty());
    EXPECT_FALSE(directory().is_local("example.org"));
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().remove_domain("example.org"); }, &message),
              ErrorKind::NotFound);
    EXPECT_EQ(message, "example.org is not a local domain");
}

TEST_F(DirectoryTest, ADomainWithAccountsStays) {
    directory().add_account("alice@example.org", "", std::nullopt);
    directory().add_account("bob@example.org", "", std::nullopt);
    std::string message;
    EXPECT_EQ(error_kind([&] { directory().remove_domain("example.org"); }, &message),
              ErrorKind::Conflict);
    EXPECT_EQ(message, "example.org still has 2 accounts; remove them first");
    EXPECT_TRUE(directory().is_local("example.org"));

    directory().remove_account("alice@example.org");
    directory().remove_account("bob@example.org");
    directory().remove_domain("example.org");
    EXPECT_TRUE(directory().domains().empty());
}

TEST_F(DirectoryTest, AccountsInADomainWithTheSameEndingDoNotCount) {
    directory().add_domain("myexample.org");
    directory().add_domain("sub.example.org");
    directory().add_account("alice@myexample.org", "", std::nullopt);
    directory().add_account("bob@sub.example.org", "", std::nullopt);
    directory().remove_domain("example.org");
    EXPECT_EQ(directory().domains(), (Domains{"myexample.org", "sub.example.org"}));
}

TEST_F(DirectoryTest, TheKeystoreSeesTheSameDomains) {
    directory().add_domain("example.net");
    keystore::sqlite::SqliteStore store(db_path().string(), false);
    EXPECT_EQ(store.local_domains(), (Domains{"example.net", "example.org"}));
    // `sealpost init --domain` and `keys domain-key generate` add domains through the store.
    store.add_local_domain("example.com");
    EXPECT_TRUE(directory().is_local("example.com"));
}

}  // namespace
}  // namespace sealpost::directory::testing
