#include "smtp/server/path.hpp"

#include <gtest/gtest.h>

namespace sealpost::smtp::server {

namespace {

PathCheck check(std::string_view path, PathRules rules = {}) {
    EXPECT_EQ(find_path_end(path), path.size()) << path;
    return check_path(path, rules);
}

}  // namespace

TEST(Path, AcceptsOrdinaryAddresses) {
    for (const char* path :
         {"<alice@example.org>", "<a.b-c+tag@sub.example.org>", "<x@[192.0.2.1]>",
          "<x@[IPv6:2001:db8::1]>", "<\"john doe\"@example.org>", "<\"a\\\"b\"@example.org>",
          "<!#$%&'*+-/=?^_`{|}~@example.org>", "<x@localhost>", "<x@[tag:content]>"}) {
        PathCheck result = check(path);
        EXPECT_TRUE(result.ok()) << path << ": " << result.reason;
    }
    EXPECT_EQ(check("<alice@example.org>").mailbox, "alice@example.org");
}

TEST(Path, DropsSourceRoutes) {
    PathCheck result = check("<@relay.example,@other.example:alice@example.org>");
    ASSERT_TRUE(result.ok()) << result.reason;
    EXPECT_EQ(result.mailbox, "alice@example.org");
    EXPECT_FALSE(check("<@relay.example:>").ok());
    EXPECT_FALSE(check("<@relay..example:alice@example.org>").ok());
    EXPECT_FALSE(check("<@relay.example,:alice@example.org>").ok());
    EXPECT_FALSE(check("<@relay.example>").ok());
    EXPECT_FALSE(check("<@a:@b>").ok());
}

TEST(Path, NullPathOnlyWhereAllowed) {
    PathCheck null_sender = check("<>", PathRules{.allow_null = true});
    EXPECT_TRUE(null_sender.ok());
    EXPECT_EQ(null_sender.mailbox, "");
    EXPECT_FALSE(check("<>").ok());
}

TEST(Path, PostmasterWithoutDomainOnlyWhereAllowed) {
    EXPECT_TRUE(check("<Postmaster>", PathRules{.allow_postmaster = true}).ok());
    EXPECT_TRUE(check("<postmaster>", PathRules{.allow_postmaster = true}).ok());
    EXPECT_FALSE(check("<Postmaster>").ok());
    EXPECT_FALSE(check("<webmaster>", PathRules{.allow_postmaster = true}).ok());
}

TEST(Path, RefusesControlCharactersSoNoHeaderCanBeInjected) {
    for (std::string path :
         {std::string("<alice@example.org\r\nBcc: x@evil.example>"),
          std::string("<alice\n@example.org>"), std::string("<alice\r@example.org>"),
          std::string("<alice@exa\0mple.org>", 20), std::string("<al\tice@example.org>"),
          std::string("<\"a\r\nb\"@example.org>"), std::string("<alice@example.org\x7f>")}) {
        PathCheck result = check_path(path, PathRules{.allow_utf8 = true});
        EXPECT_EQ(result.problem, PathProblem::Syntax) << path;
        EXPECT_EQ(result.reason, "control character in address") << path;
    }
}

TEST(Path, RefusesSpacesOutsideQuotes) {
    PathCheck result = check("<john doe@example.org>");
    EXPECT_EQ(result.problem, PathProblem::Syntax);
    EXPECT_EQ(result.reason, "space outside quotes in local part");
    EXPECT_FALSE(check("<alice@exa mple.org>").ok());
    EXPECT_TRUE(check("<\"john doe\"@example.org>").ok());
}

TEST(Path, RefusesMalformedAddresses) {
    for (const char* path : {"<alice>",
                             "<@example.org>",
                             "<alice@>",
                             "<alice@@example.org>",
                             "<.alice@example.org>",
                             "<alice.@example.org>",
                             "<al..ice@example.org>",
                             "<alice@example..org>",
                             "<alice@-example.org>",
                             "<alice@example.org.>",
                             "<alice@exa_mple.org>",
                             "<a(b)@example.org>",
                             "<a,b@example.org>",
                             "<\"unterminated@example.org>",
                             "<\"x\"y@example.org>",
                             "<alice@[300.0.0.1]>",
                             "<alice@[IPv6:zz::1]>",
                             "<alice@[]>",
                             "<alice@example.org>>",
                             "<a<b@example.org>"}) {
        PathCheck result = check_path(path, {});
        EXPECT_FALSE(result.ok()) << path;
        EXPECT_FALSE(result.reason.empty()) << path;
    }
}

TEST(Path, NeedsAngleBrackets) {
    EXPECT_EQ(find_path_end("alice@example.org"), 0u);
    EXPECT_EQ(find_path_end("<alice@example.org"), 0u);
    EXPECT_EQ(find_path_end("<\"a>b\"@example.org> SIZE=1"), 19u);
    EXPECT_FALSE(check_path("alice@example.org", {}).ok());
}

TEST(Path, EnforcesRfc5321Lengths) {
    std::string local64(64, 'a');
    EXPECT_TRUE(check("<" + local64 + "@example.org>").ok());
    PathCheck long_local = check("<" + local64 + "a@example.org>");
    EXPECT_EQ(long_local.problem, PathProblem::TooLong);
    EXPECT_EQ(long_local.reason, "local part over 64 octets");

    // 4 labels of 63 octets and 3 dots: 255 octets, as long as a domain may be.
    std::string label(63, 'b');
    std::string domain255 = label + "." + label + "." + label + "." + label.substr(0, 60) + ".cc";
    ASSERT_EQ(domain255.size(), 255u);
    PathCheck long_path = check("<a@" + domain255 + ">");
    EXPECT_EQ(long_path.problem, PathProblem::TooLong);  // 259 octets of path
    EXPECT_EQ(long_path.reason, "path over 256 octets");

    std::string domain252 = domain255.substr(3);
    EXPECT_TRUE(check("<a@" + domain252 + ">").ok()) << check("<a@" + domain252 + ">").reason;
    EXPECT_EQ(check("<ab@" + domain252 + ">").problem, PathProblem::TooLong);
    EXPECT_FALSE(check("<a@" + std::string(64, 'c') + ".org>").ok());  // label over 63
}

TEST(Path, NonAsciiOnlyWithSmtputf8) {
    std::string path = "<j\xc3\xb6rg@b\xc3\xbc\x63her.example>";
    EXPECT_EQ(check(path).problem, PathProblem::NeedsSmtputf8);
    EXPECT_TRUE(check(path, PathRules{.allow_utf8 = true}).ok());
    // Not UTF-8 at all: refused even with SMTPUTF8.
    EXPECT_EQ(check("<j\xf6rg@example.org>", PathRules{.allow_utf8 = true}).problem,
              PathProblem::Syntax);
}

TEST(Utf8, RefusesOverlongSurrogatesAndOutOfRange) {
    EXPECT_TRUE(is_valid_utf8("plain"));
    EXPECT_TRUE(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
    for (const char* bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                            "\xf5\x80\x80\x80", "\xc3", "\x80", "\xe2\x82"}) {
        EXPECT_FALSE(is_valid_utf8(bad)) << bad;
    }
}

}  // namespace sealpost::smtp::server
