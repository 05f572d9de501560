// One test per example and note of the manual's rules.txt section
// (reference/mdpgp-manual.txt, "Rules.txt Notes and Syntax"), named after it.
#include <gtest/gtest.h>

#include "policy/rules.hpp"
#include "rules_test_support.hpp"

namespace sealpost::policy {

using testing::Directory;
using testing::parse_clean;

namespace {

void expect_only(const Rules& rules, std::string_view address, Permission permission,
                 Decision decision) {
    for (Permission other : all_permissions) {
        EXPECT_EQ(rules.decide(other, address), other == permission ? decision : Decision::NoRule)
            << address << " " << to_string(other);
    }
}

}  // namespace

// "+*@* — all users of all domains can encrypt."
TEST(ManualRules, AllUsersOfAllDomainsCanEncrypt) {
    Rules rules = parse_clean("+*@*");
    expect_only(rules, "frank@example.com", Permission::Encrypt, Decision::Allowed);
    expect_only(rules, "Someone@Elsewhere.ORG", Permission::Encrypt, Decision::Allowed);
}

// "!*@* — all users of all domains can decrypt."
TEST(ManualRules, AllUsersOfAllDomainsCanDecrypt) {
    Rules rules = parse_clean("!*@*");
    expect_only(rules, "frank@example.com", Permission::Decrypt, Decision::Allowed);
    expect_only(rules, "someone@elsewhere.org", Permission::Decrypt, Decision::Allowed);
}

// "^*@* — all users of all domains can sign."
TEST(ManualRules, AllUsersOfAllDomainsCanSign) {
    Rules rules = parse_clean("^*@*");
    expect_only(rules, "frank@example.com", Permission::Sign, Decision::Allowed);
    expect_only(rules, "someone@elsewhere.org", Permission::Sign, Decision::Allowed);
}

// "^*@example.com — all users of example.com can sign."
TEST(ManualRules, AllUsersOfExampleComCanSign) {
    Rules rules = parse_clean("^*@example.com");
    expect_only(rules, "frank@example.com", Permission::Sign, Decision::Allowed);
    expect_only(rules, "Anne@EXAMPLE.com", Permission::Sign, Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.net"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@sales.example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@notexample.com"), Decision::NoRule);
}

// "+frank@example.com ~frank@example.com — the user can encrypt but not decrypt."
TEST(ManualRules, UserCanEncryptButNotDecrypt) {
    Rules rules = parse_clean("+frank@example.com ~frank@example.com");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Decrypt, "frank@example.com"), Decision::Denied);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com"), Decision::NoRule);
}

// "+GROUP:EncryptingUsers — members of MDaemon's EncryptingUsers group can encrypt"
TEST(ManualRules, MembersOfEncryptingUsersGroupCanEncrypt) {
    Rules rules = parse_clean("+GROUP:EncryptingUsers");
    Directory directory({{"EncryptingUsers", "frank@example.com"}});
    auto groups = directory.membership();
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com", groups), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com", groups), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.com", groups), Decision::NoRule);
}

// "^GROUP:Signers — members of MDaemon's Signers group can sign"
TEST(ManualRules, MembersOfSignersGroupCanSign) {
    Rules rules = parse_clean("^GROUP:Signers");
    Directory directory({{"Signers", "anne@example.com"}});
    auto groups = directory.membership();
    EXPECT_EQ(rules.decide(Permission::Sign, "anne@example.com", groups), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.com", groups), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com", groups), Decision::NoRule);
}

// 'use the rule "+*@example.com" to allow all example.com users to encrypt messages, but then
// add "-frank@example.com" to specifically prevent frank@example.com from being able to do so'
TEST(ManualRules, EncryptForAllOfADomainButOneUser) {
    for (auto text : {"+*@example.com\n-frank@example.com", "-frank@example.com\n+*@example.com"}) {
        Rules rules = parse_clean(text);
        EXPECT_EQ(rules.decide(Permission::Encrypt, "anne@example.com"), Decision::Allowed);
        EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Denied);
        EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.net"), Decision::NoRule);
    }
}

// "You can, however, specify non-local addresses that you wish restrict from the encryption
// service, meaning that MDPGP will not encrypt messages to them, even if the public key is
// known."
TEST(ManualRules, NonLocalAddressRestrictedFromEncryption) {
    Rules rules = parse_clean("+*@*\n-partner@elsewhere.net");
    EXPECT_EQ(rules.decide(Permission::Encrypt, "partner@elsewhere.net"), Decision::Denied);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "other@elsewhere.net"), Decision::Allowed);
}

// "If there is a conflict between the settings in rules.txt and the global "Authorize all
// local MDaemon users for all services" option, the rules.txt setting is used."
TEST(ManualRules, RulesWinOverAuthorizeAllLocalUsers) {
    Rules rules = parse_clean("~frank@example.com !anne@example.com");
    constexpr bool authorize_all_local = true;
    EXPECT_FALSE(
        permitted(rules.decide(Permission::Decrypt, "frank@example.com"), authorize_all_local));
    EXPECT_TRUE(
        permitted(rules.decide(Permission::Decrypt, "anne@example.com"), !authorize_all_local));
    EXPECT_TRUE(
        permitted(rules.decide(Permission::Decrypt, "bob@example.com"), authorize_all_local));
    EXPECT_FALSE(
        permitted(rules.decide(Permission::Decrypt, "bob@example.com"), !authorize_all_local));
}

// "If there is a conflict between the settings in rules.txt and the global "Authorize all
// non-local (foreign) users for decrypt/verify services" option, the rules.txt setting is
// used."
TEST(ManualRules, RulesWinOverAuthorizeAllForeignUsers) {
    Rules rules = parse_clean("&*@untrusted.example $boss@partner.example");
    constexpr bool authorize_all_foreign = true;
    EXPECT_FALSE(
        permitted(rules.decide(Permission::Verify, "x@untrusted.example"), authorize_all_foreign));
    EXPECT_TRUE(permitted(rules.decide(Permission::Verify, "boss@partner.example"),
                          !authorize_all_foreign));
}

// "Text after # on a line is ignored."
TEST(ManualRules, TextAfterHashIsIgnored) {
    Rules rules = parse_clean(
        "# +nobody@example.com\n"
        "+frank@example.com # -frank@example.com\n"
        "^anne@example.com#=anne@example.com");
    EXPECT_EQ(rules.entries().size(), 2u);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "frank@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "anne@example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Encrypt, "nobody@example.com"), Decision::NoRule);
}

// "Separate multiple email addresses on the same line with a space."
TEST(ManualRules, SeveralAddressesOnOneLineSeparatedBySpace) {
    Rules rules = parse_clean("+a@example.com +b@example.com\t+c@example.com   -d@example.com");
    EXPECT_EQ(rules.entries().size(), 4u);
    for (auto address : {"a@example.com", "b@example.com", "c@example.com"}) {
        EXPECT_EQ(rules.decide(Permission::Encrypt, address), Decision::Allowed) << address;
    }
    EXPECT_EQ(rules.decide(Permission::Encrypt, "d@example.com"), Decision::Denied);
}

// "Wildcards (* and ?) in email addresses are permitted."
TEST(ManualRules, WildcardsStarAndQuestionMarkArePermitted) {
    Rules rules = parse_clean("^fr?nk@*.example.com");
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@mail.example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "frenk@a.b.example.com"), Decision::Allowed);
    EXPECT_EQ(rules.decide(Permission::Sign, "frnk@mail.example.com"), Decision::NoRule);
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.com"), Decision::NoRule);
}

// "granting encryption permission to a user doesn't also grant that user permission to sign
// unencrypted messages. In order to sign an unencrypted message the account must be given
// signing permission."
TEST(ManualRules, EncryptPermissionDoesNotGrantSigning) {
    Rules rules = parse_clean("+frank@example.com");
    EXPECT_EQ(rules.decide(Permission::Sign, "frank@example.com"), Decision::NoRule);
    EXPECT_FALSE(permitted(rules.decide(Permission::Sign, "frank@example.com"), false));
}

// "Each email address must be prefixed with one of the following tags: + (plus) - address can
// use MDPGP encryption service. - (minus) ... & (ampersand) - address cannot use MDPGP
// verification service."
TEST(ManualRules, EachTagMeansItsService) {
    struct Case {
        const char* entry;
        Permission permission;
        Decision decision;
    };
    const Case cases[] = {
        {"+frank@example.com", Permission::Encrypt, Decision::Allowed},
        {"-frank@example.com", Permission::Encrypt, Decision::Denied},
        {"!frank@example.com", Permission::Decrypt, Decision::Allowed},
        {"~frank@example.com", Permission::Decrypt, Decision::Denied},
        {"^frank@example.com", Permission::Sign, Decision::Allowed},
        {"=frank@example.com", Permission::Sign, Decision::Denied},
        {"$frank@example.com", Permission::Verify, Decision::Allowed},
        {"&frank@example.com", Permission::Verify, Decision::Denied},
        {"%frank@example.com", Permission::Rkey, Decision::Allowed},
        {"|frank@example.com", Permission::Rkey, Decision::Denied},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.entry);
        expect_only(parse_clean(c.entry), "frank@example.com", c.permission, c.decision);
    }
}

// "the key owner (or his entire domain via use of wildcards) must be authorized for RKEY by
// adding an appropriate entry to the MDPGP rules file"
TEST(ManualRules, RkeyOwnerOrWholeDomainMustBeAuthorized) {
    Rules rules = parse_clean("%*@partner.example %owner@other.example");
    EXPECT_TRUE(permitted(rules.decide(Permission::Rkey, "anyone@partner.example"), false));
    EXPECT_TRUE(permitted(rules.decide(Permission::Rkey, "owner@other.example"), false));
    EXPECT_FALSE(permitted(rules.decide(Permission::Rkey, "someone@other.example"), false));
}

// "both the recipient and sender must be authorized to use the decryption and verification
// services, either through the "Authorize all..." options or "Configure exactly who..."
// option below (everyone is authorized by default)."
TEST(ManualRules, EveryoneIsAuthorizedByDefault) {
    Rules rules = parse_clean("");
    for (Permission permission :
         {Permission::Encrypt, Permission::Decrypt, Permission::Sign, Permission::Verify}) {
        EXPECT_EQ(rules.decide(permission, "frank@example.com"), Decision::NoRule);
        EXPECT_TRUE(permitted(rules.decide(permission, "frank@example.com"), true));
    }
}

}  // namespace sealpost::policy
