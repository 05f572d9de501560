// What the decision asks of the pipeline beyond one recipient: the copies to make (Bcc
// recipients of encrypted mail alone), bounces for --pgpx, failure notices for --pgpe, key
// replies for --pgpk, keys to create and keys to import.
#include <gtest/gtest.h>

#include "decision_test_support.hpp"

namespace sealpost::policy {

namespace {

using namespace testing;

std::vector<std::string> copies_of(const MessageDecision& decision) {
    std::vector<std::string> out;
    for (const Copy& copy : decision.copies) {
        out.push_back(copy_summary(copy));
    }
    return out;
}

struct CopyRow {
    std::string name;
    Setup setup;
    std::vector<std::string> recipients;  // the envelope
    std::vector<std::string> to;          // To and Cc; empty: every recipient is in To
    std::vector<std::string> copies;      // copy_summary() of each, in order
};

void PrintTo(const CopyRow& row, std::ostream* out) {
    *out << row.name;
}

class CopyTable : public ::testing::TestWithParam<CopyRow> {};

TEST_P(CopyTable, Groups) {
    const CopyRow& row = GetParam();
    World world;
    world.to(row.recipients);
    world.headers.to = row.to;
    row.setup(world);
    EXPECT_EQ(copies_of(decide(world)), row.copies);
}

const Setup cc_frank = [](World& w) { w.headers.cc = {"frank@remote.org"}; };
const Setup pgpx = [](World& w) { w.headers.subject = "--pgpx Hello"; };

const CopyRow copy_rows[] = {
    {"SameTreatmentSharesOneCopy",
     defaults,
     {"dave@remote.org", "frank@remote.org"},
     {},
     {"sign+encrypt: dave@remote.org frank@remote.org"}},
    {"DifferentTreatmentsGetDifferentCopies",
     auto_sign,
     {"dave@remote.org", "erin@remote.org", "frank@remote.org", "gina@remote.org"},
     {},
     {"sign+encrypt: dave@remote.org frank@remote.org", "sign: erin@remote.org gina@remote.org"}},
    {"PlainAndEncryptedSplit",
     defaults,
     {"erin@remote.org", "dave@remote.org"},
     {},
     {"plain: erin@remote.org", "sign+encrypt: dave@remote.org"}},
    {"BccRecipientGetsOwnEncryptedCopy",
     defaults,
     {"dave@remote.org", "frank@remote.org"},
     {"dave@remote.org"},
     {"sign+encrypt: dave@remote.org", "sign+encrypt bcc: frank@remote.org"}},
    {"EachBccRecipientGetsOwnEncryptedCopy",
     defaults,
     {"dave@remote.org", "frank@remote.org", "carol@example.net"},
     {"erin@remote.org"},
     {"sign+encrypt bcc: dave@remote.org", "sign+encrypt bcc: frank@remote.org",
      "sign+encrypt bcc>decrypt+verify: carol@example.net"}},
    {"CcRecipientIsNotBcc",
     cc_frank,
     {"dave@remote.org", "frank@remote.org"},
     {"dave@remote.org"},
     {"sign+encrypt: dave@remote.org frank@remote.org"}},
    {"BccPlainRecipientsShareACopy",
     defaults,
     {"erin@remote.org", "gina@remote.org"},
     {"someone@remote.org"},
     {"plain: erin@remote.org gina@remote.org"}},
    {"BccSignedRecipientsShareACopy",
     sign_only,
     {"erin@remote.org", "dave@remote.org"},
     {"someone@remote.org"},
     {"sign: erin@remote.org dave@remote.org"}},
    {"ToMatchesAnyCase",
     defaults,
     {"dave@remote.org", "frank@remote.org"},
     {"Dave@Remote.ORG", "FRANK@remote.org"},
     {"sign+encrypt: dave@remote.org frank@remote.org"}},
    {"LocalRecipientDecryptedAfterIsASeparateCopy",
     defaults,
     {"dave@remote.org", "bob@example.com", "carol@example.net"},
     {},
     {"sign+encrypt: dave@remote.org",
      "sign+encrypt>decrypt+verify: bob@example.com "
      "carol@example.net"}},
    {"BouncedRecipientIsInNoCopy",
     pgpx,
     {"dave@remote.org", "erin@remote.org"},
     {},
     {"sign+encrypt: dave@remote.org"}},
    {"EverythingBouncedLeavesNoCopy", pgpx, {"erin@remote.org", "gina@remote.org"}, {}, {}},
    {"RepeatedRecipientIsPlannedOnce",
     defaults,
     {"dave@remote.org", "DAVE@remote.org"},
     {},
     {"sign+encrypt: dave@remote.org"}},
};

INSTANTIATE_TEST_SUITE_P(Copies, CopyTable, ::testing::ValuesIn(copy_rows), row_name<CopyRow>);

}  // namespace

TEST(DecisionBounce, PgpxBouncesEveryRecipientItCannotEncryptTo) {
    World world;
    world.rules_text = "-frank@remote.org";
    world.to({"dave@remote.org", "erin@remote.org", "frank@remote.org"}, "--pgpx Contract");
    MessageDecision decision = testing::decide(world);
    std::vector<Notice> expected = {{"erin@remote.org", "no-key"},
                                    {"frank@remote.org", "rules:recipient-denied line 1"}};
    EXPECT_EQ(decision.bounce, expected);
    EXPECT_TRUE(decision.notify_sender.empty());
    EXPECT_EQ(decision.subject, "Contract");
}

TEST(DecisionBounce, PgpxWithPgpeBouncesAndSendsNoNotice) {
    World world;
    world.config.encryption.notify_failures = true;
    world.to({"erin@remote.org"}, "--pgpe --pgpx Contract");
    MessageDecision decision = testing::decide(world);
    EXPECT_EQ(decision.bounce, (std::vector<Notice>{{"erin@remote.org", "no-key"}}));
    EXPECT_TRUE(decision.notify_sender.empty());
}

TEST(DecisionNotice, PgpeFailuresAreReportedWhenNotifyFailuresOn) {
    World world;
    world.config.encryption.notify_failures = true;
    world.rules_text = "-frank@remote.org";
    world.to({"dave@remote.org", "erin@remote.org", "frank@remote.org"}, "--pgpe Figures");
    MessageDecision decision = testing::decide(world);
    std::vector<Notice> expected = {{"erin@remote.org", "no-key"},
                                    {"frank@remote.org", "rules:recipient-denied line 1"}};
    EXPECT_EQ(decision.notify_sender, expected);
    EXPECT_TRUE(decision.bounce.empty());
    EXPECT_EQ(copies_of(decision),
              (std::vector<std::string>{"sign+encrypt: dave@remote.org",
                                        "plain: erin@remote.org frank@remote.org"}));
}

TEST(DecisionNotice, PgpeFailuresAreSilentWhenNotifyFailuresOff) {
    World world;
    world.to({"erin@remote.org"}, "--pgpe Figures");
    EXPECT_TRUE(testing::decide(world).notify_sender.empty());
}

TEST(DecisionNotice, AutomaticModeFailuresNeverNotify) {
    World world;
    world.config.encryption.notify_failures = true;
    world.to({"erin@remote.org"});
    EXPECT_TRUE(testing::decide(world).notify_sender.empty());
}

TEST(DecisionNotice, AlreadyEncryptedIsNoFailure) {
    World world;
    world.config.encryption.notify_failures = true;
    world.headers.kind = PgpKind::PgpMimeEncrypted;
    world.to({"erin@remote.org"}, "--pgpe Figures");
    EXPECT_TRUE(testing::decide(world).notify_sender.empty());
}

TEST(DecisionNotice, SenderWithoutPermissionIsToldForEveryRecipient) {
    World world;
    world.config.encryption.notify_failures = true;
    world.rules_text = "-alice@example.com";
    world.to({"dave@remote.org"}, "--pgpe Figures");
    EXPECT_EQ(testing::decide(world).notify_sender,
              (std::vector<Notice>{{"dave@remote.org", "rules:sender-denied line 1"}}));
}

TEST(DecisionKeyReply, PgpkSentToSelfRepliesWithOwnKey) {
    World world;
    world.to({"alice@example.com"}, "--pgpk");
    MessageDecision decision = testing::decide(world);
    ASSERT_EQ(decision.reply_with_key.size(), 1u);
    EXPECT_EQ(decision.reply_with_key[0].key_of, "alice@example.com");
    EXPECT_EQ(decision.reply_with_key[0].to, "alice@example.com");
    EXPECT_TRUE(decision.reply_with_key[0].key_known);
    EXPECT_EQ(decision.subject, "");
    EXPECT_EQ(decision.copies.size(), 1u) << "the message itself is still delivered";
}

TEST(DecisionKeyReply, PgpkAddressAtStartRepliesWithThatKey) {
    World world;
    world.to({"alice@example.com"}, "--pgpk<dave@remote.org>");
    MessageDecision decision = testing::decide(world);
    ASSERT_EQ(decision.reply_with_key.size(), 1u);
    EXPECT_EQ(decision.reply_with_key[0].key_of, "dave@remote.org");
    EXPECT_EQ(decision.reply_with_key[0].to, "alice@example.com");
    EXPECT_TRUE(decision.reply_with_key[0].key_known);
}

TEST(DecisionKeyReply, PgpkAddressAtEndWithUnknownKeySaysSo) {
    World world;
    world.to({"alice@example.com"}, "key please --pgpk<erin@remote.org>");
    MessageDecision decision = testing::decide(world);
    ASSERT_EQ(decision.reply_with_key.size(), 1u);
    EXPECT_EQ(decision.reply_with_key[0].key_of, "erin@remote.org");
    EXPECT_FALSE(decision.reply_with_key[0].key_known);
    EXPECT_EQ(decision.subject, "key please");
}

TEST(DecisionKeyReply, PgpkOwnAndAddressTogetherGiveTwoReplies) {
    World world;
    world.to({"Alice@Example.com"}, "--pgpk --pgpk<dave@remote.org>");
    EXPECT_EQ(testing::decide(world).reply_with_key.size(), 2u);
}

TEST(DecisionKeyReply, PgpkNotSentToSelfIsOnlyRemoved) {
    World world;
    world.to({"dave@remote.org"}, "--pgpk<bob@example.com> Hi");
    MessageDecision decision = testing::decide(world);
    EXPECT_TRUE(decision.reply_with_key.empty());
    EXPECT_EQ(decision.notes, (std::vector<std::string>{"--pgpk: not-sent-to-self"}));
    EXPECT_EQ(decision.subject, "Hi");
}

TEST(DecisionKeyReply, EmailOnRequestOffAnswersNothing) {
    World world;
    world.config.keys.email_on_request = false;
    world.to({"alice@example.com"}, "--pgpk");
    MessageDecision decision = testing::decide(world);
    EXPECT_TRUE(decision.reply_with_key.empty());
    EXPECT_EQ(decision.notes, (std::vector<std::string>{"--pgpk: switch:email-on-request-off"}));
}

TEST(DecisionKeyReply, ServiceOffAnswersNothing) {
    World world;
    world.config.service.enabled = false;
    world.to({"alice@example.com"}, "--pgpk");
    EXPECT_TRUE(testing::decide(world).reply_with_key.empty());
}

TEST(DecisionKeyReply, UnauthenticatedSenderGetsNoKey) {
    World world;
    world.envelope.authenticated = false;
    world.to({"alice@example.com"}, "--pgpk<bob@example.com>");
    MessageDecision decision = testing::decide(world);
    EXPECT_TRUE(decision.reply_with_key.empty());
    EXPECT_EQ(decision.subject, "--pgpk<bob@example.com>");
}

TEST(DecisionKeyCreation, AutoCreateMakesKeyForSenderWithout) {
    World world;
    world.config.keys.auto_create = true;
    world.envelope.sender = "zoe@example.com";
    world.to({"dave@remote.org", "zoe@example.com", "bob@example.com", "erin@remote.org"});
    MessageDecision decision = testing::decide(world);
    EXPECT_TRUE(decision.create_key_for_sender);
    EXPECT_TRUE(decision.create_key_for_recipients.empty()) << "zoe is the sender";
    EXPECT_EQ(testing::plan_for(decision, "dave@remote.org").outbound.sign.why, "no-secret-key");
}

TEST(DecisionKeyCreation, AutoCreateMakesKeysForLocalRecipientsWithout) {
    World world;
    world.config.keys.auto_create = true;
    world.to({"zoe@example.com", "bob@example.com", "erin@remote.org"});
    MessageDecision decision = testing::decide(world);
    EXPECT_FALSE(decision.create_key_for_sender) << "alice has a key";
    EXPECT_EQ(decision.create_key_for_recipients, (std::vector<std::string>{"zoe@example.com"}));
}

TEST(DecisionKeyCreation, AutoCreateOnInboundMailIsForRecipientsOnly) {
    World world;
    world.config.keys.auto_create = true;
    world.envelope = {"nobody@remote.org",
                      {"zoe@example.com"},
                      config::ListenerRole::Inbound,
                      false,
                      "198.51.100.7",
                      false};
    MessageDecision decision = testing::decide(world);
    EXPECT_FALSE(decision.create_key_for_sender);
    EXPECT_EQ(decision.create_key_for_recipients, (std::vector<std::string>{"zoe@example.com"}));
}

TEST(DecisionKeyCreation, AutoCreateOffMakesNoKeys) {
    World world;
    world.envelope.sender = "zoe@example.com";
    world.to({"zoe@example.com"});
    MessageDecision decision = testing::decide(world);
    EXPECT_FALSE(decision.create_key_for_sender);
    EXPECT_TRUE(decision.create_key_for_recipients.empty());
}

TEST(DecisionKeyCreation, ServiceOffMakesNoKeys) {
    World world;
    world.config.keys.auto_create = true;
    world.config.service.enabled = false;
    world.envelope.sender = "zoe@example.com";
    world.to({"zoe@example.com"});
    EXPECT_FALSE(testing::decide(world).create_key_for_sender);
}

TEST(DecisionKeyImport, AutoImportIsForAuthenticatedLocalSenders) {
    World world;
    world.to({"alice@example.com"});
    EXPECT_TRUE(testing::decide(world).import_attached_keys);
    world.config.keys.auto_import = false;
    EXPECT_FALSE(testing::decide(world).import_attached_keys);
    world.config.keys.auto_import = true;
    world.envelope.authenticated = false;
    EXPECT_FALSE(testing::decide(world).import_attached_keys);
}

// sealpost.toml switches that act elsewhere (delivery, discovery, HTTP, RKEY, limits) leave
// the decision as it is.
TEST(DecisionSwitches, SwitchesOutsideTheDecisionChangeNothing) {
    World world;
    world.config.encryption.auto_sign = true;
    world.to({"dave@remote.org", "erin@remote.org", "bob@example.com"}, "--pgpe Hi");
    std::vector<std::string> before = copies_of(testing::decide(world));
    world.config.encryption.compress = true;
    world.config.encryption.transport_by_ip = true;
    world.config.keys.serve_http = true;
    world.config.keys.rkey = false;
    world.config.keys.key_algorithm = config::KeyAlgorithm::Rsa;
    world.config.discovery.pka = false;
    world.config.discovery.pka_cache_hours = 48;
    world.config.discovery.wkd = false;
    world.config.discovery.dane = false;
    world.config.discovery.autocrypt = true;
    world.config.limits.max_mime_depth = 3;
    EXPECT_EQ(copies_of(testing::decide(world)), before);
}

TEST(DecisionReasons, EveryReasonReadsAsASentence) {
    EXPECT_EQ(why::describe("no-key"), "no public key is known for the recipient");
    EXPECT_EQ(why::describe("switch:recipient-not-authorized"),
              "the recipient is not authorized for this service");
    EXPECT_EQ(why::rules_denied(why::Party::Sender, 4), "rules:sender-denied line 4");
    EXPECT_EQ(why::describe(why::rules_denied(why::Party::Recipient, 7)),
              "rules.txt does not allow this service for the recipient (line 7)");
    EXPECT_EQ(why::describe("something-new"), "something-new");
}

}  // namespace sealpost::policy
