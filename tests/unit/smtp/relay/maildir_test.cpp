// The Maildir next hop: files in new/ with Return-Path and Delivered-To, addresses that try to
// leave the root refused, and file system failures deferred.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "smtp/relay/maildir_writer.hpp"
#include "support/temp_dir.hpp"
#include "test_support.hpp"

namespace sealpost::testing {
namespace {

namespace fs = std::filesystem;
using MaildirTest = RelayTest;

std::vector<fs::path> files_in(const fs::path& dir) {
    std::vector<fs::path> found;
    if (fs::is_directory(dir)) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            found.push_back(entry.path());
        }
    }
    return found;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

TEST_F(MaildirTest, DeliversIntoNewWithEnvelopeHeaders) {
    TempDir root;
    auto hop = make_hop("maildir:" + root.path().string());
    auto message = sample_message({"Bob@Example.ORG", "carol@example.org"});
    auto outcomes = deliver(*hop, message);

    ASSERT_EQ(outcomes.size(), 2u);
    EXPECT_EQ(outcomes[0].code, 250);
    EXPECT_EQ(outcomes[0].enhanced, "2.0.0");
    EXPECT_EQ(outcomes[1].code, 250);
    auto bob = root.path() / "example.org" / "bob";
    auto delivered = files_in(bob / "new");
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(
        read_file(delivered[0]),
        "Return-Path: <alice@example.org>\r\nDelivered-To: Bob@Example.ORG\r\n" + message.data);
    EXPECT_TRUE(files_in(bob / "tmp").empty());
    EXPECT_TRUE(fs::is_directory(bob / "cur"));
    EXPECT_EQ(files_in(root.path() / "example.org" / "carol" / "new").size(), 1u);

    struct stat status {};
    ASSERT_EQ(::stat((bob / "new").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0700u);
    ASSERT_EQ(::stat(delivered[0].c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 0777, 0600u);
}

TEST_F(MaildirTest, FileWorkRunsOnTheBlockingExecutor) {
    TempDir root;
    boost::asio::io_context disk;  // stands in for the blocking pool, run by hand below
    auto hop = smtp::make_next_hop("maildir:" + root.path().string(), io_.get_executor(),
                                   disk.get_executor());
    auto message = sample_message({"bob@example.org"});
    bool done = false;
    boost::asio::co_spawn(io_, hop->deliver(message),
                          [&](std::exception_ptr, std::vector<RecipientOutcome>) { done = true; });

    io_.poll();  // everything the I/O side can do without the blocking executor
    EXPECT_FALSE(done);
    EXPECT_TRUE(files_in(root.path()).empty());

    for (int round = 0; round < 100 && !done; ++round) {
        disk.restart();
        disk.poll();
        io_.restart();
        io_.poll();
    }
    EXPECT_TRUE(done);
    EXPECT_EQ(files_in(root.path() / "example.org" / "bob" / "new").size(), 1u);
}

TEST_F(MaildirTest, TwoMessagesGetTwoFiles) {
    TempDir root;
    auto hop = make_hop("maildir:" + root.path().string());
    deliver(*hop, sample_message({"bob@example.org"}));
    deliver(*hop, sample_message({"bob@example.org"}));
    EXPECT_EQ(files_in(root.path() / "example.org" / "bob" / "new").size(), 2u);
}

TEST_F(MaildirTest, NullSenderIsAnEmptyReturnPath) {
    TempDir root;
    auto hop = make_hop("maildir:" + root.path().string());
    auto message = sample_message({"bob@example.org"});
    message.sender = "";
    deliver(*hop, message);
    auto delivered = files_in(root.path() / "example.org" / "bob" / "new");
    ASSERT_EQ(delivered.size(), 1u);
    EXPECT_EQ(read_file(delivered[0]).substr(0, 17), "Return-Path: <>\r\n");
}

TEST_F(MaildirTest, AddressesThatLeaveTheRootAreRefused) {
    TempDir root;
    auto hop = make_hop("maildir:" + root.path().string());
    std::vector<std::string> tricks = {"../../etc@example.org",
                                       "a/b@example.org",
                                       "..@example.org",
                                       ".hidden@example.org",
                                       "bob@..",
                                       std::string("n\0ul@x", 6),
                                       "bob@exa/mple.org",
                                       "no-at-sign",
                                       "@example.org",
                                       "bob@"};
    auto outcomes = deliver(*hop, sample_message(tricks));

    ASSERT_EQ(outcomes.size(), tricks.size());
    for (const auto& outcome : outcomes) {
        EXPECT_EQ(outcome.code, outcome.recipient == std::string("n\0ul@x", 6) ? 553 : 550)
            << outcome.recipient;
        EXPECT_EQ(outcome.enhanced, "5.1.3") << outcome.recipient;
    }
    EXPECT_TRUE(files_in(root.path()).empty());
}

TEST_F(MaildirTest, MaildirForNamesTheMailbox) {
    fs::path root = "/var/mail";
    EXPECT_EQ(smtp::maildir_for(root, "Bob@EXAMPLE.org"), root / "example.org" / "bob");
    EXPECT_EQ(smtp::maildir_for(root, "J\xc3\x96rg@example.org"),
              root / "example.org" / "j\xc3\x96rg");
    EXPECT_EQ(smtp::maildir_for(root, "\"a@b\"@example.org"), root / "example.org" / "\"a@b\"");
    EXPECT_EQ(smtp::maildir_for(root, "tab\there@example.org"), std::nullopt);
    EXPECT_EQ(smtp::maildir_for(root, "bob@example.org\x7f"), std::nullopt);
}

TEST_F(MaildirTest, UnwritableRootDefersWithTheSystemsReason) {
    TempDir dir;
    auto root = dir.path() / "not-a-folder";
    std::ofstream(root) << "a file where the root should be";
    auto hop = make_hop("maildir:" + root.string());
    auto outcomes = deliver(*hop, sample_message({"bob@example.org", "../x@example.org"}));

    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_EQ(outcomes[0].enhanced, "4.3.0");
    EXPECT_EQ(outcomes[0].text, "next hop maildir:" + root.string() + ": cannot create " +
                                    root.string() + ": Not a directory");
    EXPECT_EQ(outcomes[1].code, 550);
}

TEST_F(MaildirTest, ReadOnlyMailboxDefers) {
    if (::geteuid() == 0) {
        GTEST_SKIP() << "root writes into read-only folders";
    }
    TempDir root;
    auto mailbox = root.path() / "example.org" / "bob";
    fs::create_directories(mailbox / "new");
    fs::create_directories(mailbox / "cur");
    fs::create_directories(mailbox / "tmp");
    fs::permissions(mailbox / "tmp", fs::perms::owner_read | fs::perms::owner_exec);
    auto hop = make_hop("maildir:" + root.path().string());
    auto outcomes = deliver(*hop, sample_message({"bob@example.org"}));
    EXPECT_EQ(outcomes[0].code, 451);
    EXPECT_NE(outcomes[0].text.find("Permission denied"), std::string::npos);
}

}  // namespace
}  // namespace sealpost::testing
