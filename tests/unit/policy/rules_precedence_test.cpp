// Conflicting entries: exact address > wildcard pattern > GROUP > catch-all; among wildcard
// patterns more literal characters, then fewer `*`; the later entry wins a tie.
#include <gtest/gtest.h>

#include <string>

#include "policy/rules.hpp"
#include "rules_test_support.hpp"

namespace sealpost::policy {

using testing::Directory;
using testing::parse_clean;

namespace {

// Both orders of two lines must give `decision` for `address`.
void expect_either_order(std::string_view first, std::string_view second, std::string_view address,
                         Decision decision) {
    std::string forward = std::string(first) + "\n" + std::string(second);
    std::string backward = std::string(second) + "\n" + std::string(first);
    EXPECT_EQ(parse_clean(forward).decide(Permission::Encrypt, address), decision) << forward;
    EXPECT_EQ(parse_clean(backward).decide(Permission::Encrypt, address), decision) << backward;
}

}  // namespace

TEST(RulesPrecedence, ExactAddressBeatsWildcard) {
    expect_either_order("+*@example.com", "-frank@example.com", "frank@example.com",
                        Decision::Denied);
    expect_either_order("-fr?nk@example.com", "+frank@example.com", "frank@example.com",
                        Decision::Allowed);
}

TEST(RulesPrecedence, MoreLiteralCharactersWin) {
    expect_either_order("+*@*.example.com", "-*@sales.example.com", "a@sales.example.com",
                        Decision::Denied);
    expect_either_order("+*@example.com", "-frank@*", "frank@example.com", Decision::Allowed);
}

TEST(RulesPrecedence, FewerStarsWinWhenLiteralsTie) {
    expect_either_order("-fr*nk@example.com", "+fr?nk@example.com", "frank@example.com",
                        Decision::Allowed);
}

TEST(RulesPrecedence, LaterEntryWinsATie) {
    Rules rules = parse_clean("+a*@example.com\n-*a@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "aa@example.com"), Decision::Denied);
    rules = parse_clean("-*a@example.com +a*@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "aa@example.com"), Decision::Allowed);
    rules = parse_clean("+frank@example.com -Frank@Example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Denied);
}

// A pattern with a literal domain and one with a wildcard domain are kept in different places
// of the index; a tie between them is still decided by order.
TEST(RulesPrecedence, TieAcrossLiteralAndWildcardDomains) {
    Rules rules = parse_clean("+*@example.com -frank@ex*.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Denied);
    rules = parse_clean("-frank@ex*.com +*@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Allowed);
}

TEST(RulesPrecedence, WildcardBeatsGroup) {
    Directory directory({{"Staff", "frank@example.com"}});
    for (auto text : {"-GROUP:Staff +*@example.com", "+*@example.com -GROUP:Staff"}) {
        Rules rules = parse_clean(text);
        EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com", directory.membership()),
                  Decision::Allowed)
            << text;
    }
}

TEST(RulesPrecedence, GroupBeatsCatchAll) {
    Directory directory({{"Staff", "frank@example.com"}});
    for (auto text : {"-*@* +GROUP:Staff", "+GROUP:Staff -*"}) {
        Rules rules = parse_clean(text);
        auto groups = directory.membership();
        EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com", groups), Decision::Allowed)
            << text;
        EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com", groups), Decision::Denied)
            << text;
    }
}

TEST(RulesPrecedence, LaterGroupWinsAmongGroups) {
    Directory directory({{"A", "frank@example.com"}, {"B", "frank@example.com"}});
    Rules rules = parse_clean("+GROUP:A\n-GROUP:B");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com", directory.membership()),
              Decision::Denied);
    EXPECT_EQ(directory.questions(), 1);
}

TEST(RulesPrecedence, CatchAllsTieAndTheLaterWins) {
    EXPECT_EQ(parse_clean("+* -*@*").decide(Permission::Encrypt, "a@b.example"), Decision::Denied);
    EXPECT_EQ(parse_clean("-*@* +*").decide(Permission::Encrypt, "a@b.example"), Decision::Allowed);
}

TEST(RulesPrecedence, PermissionsAreIndependent) {
    Rules rules = parse_clean("+*@* ~*@* -frank@example.com !frank@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Decrypt, "anne@example.com"), Decision::Denied);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Denied);
    EXPECT_EQ(rules.decide(Permission::Decrypt, "frank@example.com"), Decision::Allowed);
}

TEST(RulesPrecedence, GroupsAreNotAskedWhenAnAddressEntryDecides) {
    Directory directory({{"Staff", "frank@example.com"}});
    Rules rules = parse_clean("-GROUP:Staff +frank@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com", directory.membership()),
              Decision::Allowed);
    EXPECT_EQ(directory.questions(), 0);
}

TEST(RulesPrecedence, WithoutGroupInformationGroupsMatchNobody) {
    Rules rules = parse_clean("+GROUP:Staff");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::NoRule);
}

TEST(RulesMatching, AddressesMatchWithoutRegardToCase) {
    Rules rules = parse_clean("+Frank@Example.COM ^*@SALES.example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "FRANK@EXAMPLE.COM"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "Anne@Sales.Example.Com"), Decision::Allowed);
}

TEST(RulesMatching, WildcardsInLocalPartAndDomain) {
    Rules rules = parse_clean("^sales-*@*.example.com $?@example.com");
    EXPECT_EQ(rules.decide(Permission::Sign, "sales-eu@mail.example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "sales-@a.b.example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "sales@mail.example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, "sales-eu@example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Verify, "x@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Verify, "xy@example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Verify, "@example.com"), Decision::NoRule);
}

TEST(RulesMatching, StarNeverCrossesTheAtSign) {
    Rules rules = parse_clean("+frank*@example.com -*@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@evil.example@example.com"),
              Decision::Allowed);  // the local part is "frank@evil.example", quoted
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@sub.example.com"), Decision::NoRule);
}

TEST(RulesMatching, AddressWithoutAtSignMatchesOnlyCatchAll) {
    Rules rules = parse_clean("+*@example.com +postmaster@example.com ^*");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "postmaster"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, ""), Decision::Allowed);
}

TEST(RulesExplain, NamesTheDecidingEntryForEachPermission) {
    Rules rules = parse_clean("+*@example.com\n# comment\n  ~frank@example.com ^GROUP:Signers");
    Directory directory({{"Signers", "Frank@example.com"}});  // asked with the address as given
    Explanation explanation = rules.explain("Frank@example.com", directory.membership());
    EXPECT_EQ(explanation.address, "Frank@example.com");

    const Verdict& encrypt = explanation[Permission::Encrypt];
    EXPECT_EQ(encrypt.decision, Decision::Allowed);
    ASSERT_NE(encrypt.rule, nullptr);
    EXPECT_EQ(encrypt.rule->line, 1);
    EXPECT_EQ(encrypt.rule->text, "+*@example.com");

    const Verdict& decrypt = explanation[Permission::Decrypt];
    EXPECT_EQ(decrypt.decision, Decision::Denied);
    ASSERT_NE(decrypt.rule, nullptr);
    EXPECT_EQ(decrypt.rule->line, 3);
    EXPECT_EQ(decrypt.rule->column, 3);

    EXPECT_EQ(explanation[Permission::Sign].decision, Decision::Allowed);
    EXPECT_EQ(explanation[Permission::Verify].decision, Decision::NoRule);
    EXPECT_EQ(explanation[Permission::Verify].rule, nullptr);
    EXPECT_EQ(explanation[Permission::Rkey].permission, Permission::Rkey);
}

TEST(RulesExplain, AsksEachGroupOnce) {
    Rules rules = parse_clean("+GROUP:Staff !GROUP:Staff ^GROUP:Staff $GROUP:Other");
    Directory directory({{"Staff", "frank@example.com"}});
    Explanation explanation = rules.explain("frank@example.com", directory.membership());
    EXPECT_EQ(directory.questions(), 2);
    EXPECT_EQ(explanation[Permission::Sign].decision, Decision::Allowed);
    EXPECT_EQ(explanation[Permission::Verify].decision, Decision::NoRule);
}

TEST(RulesExplain, TextHasOneLinePerPermission) {
    Rules rules = parse_clean("\n-frank@example.com");
    std::string text = to_text(rules.explain("frank@example.com"));
    EXPECT_NE(text.find("encrypt  denied   line 2 column 1: -frank@example.com\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("decrypt  no rule  the global authorize-all switch decides\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("rkey     no rule  refused"), std::string::npos) << text;
}

// A file as large as a big site's is parsed and indexed in one pass; lookups stay cheap.
TEST(RulesScale, HundredThousandEntries) {
    std::string text;
    for (int i = 0; i < 100000; ++i) {
        std::string n = std::to_string(i);
        switch (i % 4) {
            case 0:
                text += "+user" + n + "@domain" + n + ".example ";
                break;
            case 1:
                text += "^*@domain" + n + ".example ";
                break;
            case 2:
                text += "-user" + n + "@*.example\n";
                break;
            default:
                text += "!GROUP:group" + n + "\n";
        }
    }
    std::vector<ParseError> errors;
    Rules rules = parse(text, &errors);
    EXPECT_TRUE(errors.empty());
    EXPECT_EQ(rules.entries().size(), 100000u);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "USER99996@domain99996.example"),
              Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "x@domain99997.example"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "user99998@a.example"), Decision::Denied);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "nobody@nowhere.example"), Decision::NoRule);
}

}  // namespace sealpost::policy
