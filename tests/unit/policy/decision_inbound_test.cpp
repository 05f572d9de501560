// The inbound treatment (decrypt, verify) of mail for local recipients: from outside on the
// inbound role, and between local users after the outbound treatment (local→local, to self).
#include <gtest/gtest.h>

#include "decision_test_support.hpp"

namespace sealpost::policy {

namespace {

using namespace testing;

// A message to one recipient, and what happens to it before it reaches the mailbox.
struct InboundRow {
    std::string name;
    Setup setup;
    std::string recipient;
    std::string outbound;  // outbound_summary()
    std::string inbound;   // inbound_summary()
    std::string decrypt_why;
    std::string verify_why;
};

void PrintTo(const InboundRow& row, std::ostream* out) {
    *out << row.name;
}

void check_inbound(const InboundRow& row, World world) {
    world.to({row.recipient});
    row.setup(world);
    MessageDecision decision = decide(world);
    const RecipientPlan& plan = plan_for(decision, row.recipient);
    EXPECT_EQ(outbound_summary(plan), row.outbound);
    EXPECT_EQ(inbound_summary(plan), row.inbound);
    EXPECT_EQ(plan.inbound.decrypt.why, row.decrypt_why);
    EXPECT_EQ(plan.inbound.verify.why, row.verify_why);
}

// Encrypted mail from dave@remote.org arriving from outside.
World from_outside() {
    World world;
    world.envelope.sender = "dave@remote.org";
    world.envelope.role = config::ListenerRole::Inbound;
    world.envelope.authenticated = false;
    world.headers.kind = PgpKind::PgpMimeEncrypted;
    return world;
}

class InboundTable : public ::testing::TestWithParam<InboundRow> {};
TEST_P(InboundTable, Decides) {
    check_inbound(GetParam(), from_outside());
}

class LocalTable : public ::testing::TestWithParam<InboundRow> {};
TEST_P(LocalTable, Decides) {
    check_inbound(GetParam(), World{});
}

Setup kind(PgpKind pgp_kind) {
    return [pgp_kind](World& w) { w.headers.kind = pgp_kind; };
}
const Setup foreign_off = [](World& w) { w.config.service.authorize_foreign_senders = false; };
const Setup decryption_off = [](World& w) { w.config.decryption.enabled = false; };

const InboundRow inbound_rows[] = {
    {"DecryptsAndVerifiesForRecipientWithSecretKey", defaults, "bob@example.com", "plain",
     "decrypt+verify", "permitted", "permitted"},
    {"InlineEncryptedIsDecrypted", kind(PgpKind::InlineEncrypted), "bob@example.com", "plain",
     "decrypt+verify", "permitted", "permitted"},
    {"RecipientWithoutSecretKeyGetsItEncrypted", defaults, "zoe@example.com", "plain", "-",
     "no-secret-key", "not-decrypted"},
    {"DecryptionServiceOffDeliversAsItIs", decryption_off, "bob@example.com", "plain", "-",
     "switch:decryption-off", "switch:decryption-off"},
    {"ServiceOffDeliversAsItIs", [](World& w) { w.config.service.enabled = false; },
     "bob@example.com", "plain", "-", "switch:service-off", "switch:service-off"},
    {"RulesDenyRecipientDecryption", rules("~bob@example.com"), "bob@example.com", "plain", "-",
     "rules:recipient-denied line 1", "not-decrypted"},
    {"RulesDenySenderDecryption", rules("~dave@remote.org"), "bob@example.com", "plain", "-",
     "rules:sender-denied line 1", "not-decrypted"},
    {"RulesDenySenderDomainVerification", rules("&*@remote.org"), "bob@example.com", "plain",
     "decrypt", "permitted", "rules:sender-denied line 1"},
    {"ForeignSendersOffKeepsItEncrypted", foreign_off, "bob@example.com", "plain", "-",
     "switch:sender-not-authorized", "not-decrypted"},
    {"ForeignSendersOffRuleAllowsDecryptOnly", rules("!*@remote.org", foreign_off),
     "bob@example.com", "plain", "decrypt", "permitted", "switch:sender-not-authorized"},
    {"ForeignSendersOffRulesAllowBoth", rules("!dave@remote.org $dave@remote.org", foreign_off),
     "bob@example.com", "plain", "decrypt+verify", "permitted", "permitted"},
    {"LocalUsersOffKeepsItEncrypted", local_users_off, "bob@example.com", "plain", "-",
     "switch:recipient-not-authorized", "not-decrypted"},
    {"LocalUsersOffRulesAllowRecipient",
     rules("!bob@example.com $bob@example.com", local_users_off), "bob@example.com", "plain",
     "decrypt+verify", "permitted", "permitted"},
    {"ForgedLocalSenderIsJudgedAsForeign",
     both(foreign_off, [](World& w) { w.envelope.sender = "alice@example.com"; }),
     "bob@example.com", "plain", "-", "switch:sender-not-authorized", "not-decrypted"},
    {"PgpMimeSignedIsVerified", kind(PgpKind::PgpMimeSigned), "bob@example.com", "plain", "verify",
     "not-encrypted", "permitted"},
    {"InlineSignedIsVerifiedWithoutSecretKey", kind(PgpKind::InlineSigned), "zoe@example.com",
     "plain", "verify", "not-encrypted", "permitted"},
    {"RulesDenyRecipientVerification",
     both(kind(PgpKind::PgpMimeSigned), rules("&bob@example.com")), "bob@example.com", "plain", "-",
     "not-encrypted", "rules:recipient-denied line 1"},
    {"ForeignSendersOffIsNotVerified", both(kind(PgpKind::PgpMimeSigned), foreign_off),
     "bob@example.com", "plain", "-", "not-encrypted", "switch:sender-not-authorized"},
    {"PlainMailNeedsNothing", kind(PgpKind::Plain), "bob@example.com", "plain", "-",
     "not-encrypted", "not-signed"},
    {"NonLocalRecipientIsLeftAlone", defaults, "someone@elsewhere.org", "plain", "-",
     "not-local-recipient", "not-local-recipient"},
};

const InboundRow local_rows[] = {
    {"ColleagueCopyIsEncryptedThenDecrypted", defaults, "bob@example.com", "sign+encrypt",
     "decrypt+verify", "permitted", "permitted"},
    {"ToSelfIsEncryptedThenDecryptedAtOnce", defaults, "alice@example.com", "sign+encrypt",
     "decrypt+verify", "permitted", "permitted"},
    {"ToSelfWithoutDecryptPermissionStaysEncrypted", rules("~alice@example.com"),
     "alice@example.com", "sign+encrypt", "-", "rules:recipient-denied line 1", "not-decrypted"},
    {"SenderWithoutDecryptPermissionKeepsColleagueCopyEncrypted", rules("~alice@example.com"),
     "bob@example.com", "sign+encrypt", "-", "rules:sender-denied line 1", "not-decrypted"},
    {"OtherLocalDomainIsEncryptedThenDecrypted", defaults, "carol@example.net", "sign+encrypt",
     "decrypt+verify", "permitted", "permitted"},
    {"LocalSenderUsesLocalSwitchNotForeign", foreign_off, "bob@example.com", "sign+encrypt",
     "decrypt+verify", "permitted", "permitted"},
    {"RecipientWithOnlyAPublicKeyStaysEncrypted",
     [](World& w) { w.public_keys.insert("zoe@example.com"); }, "zoe@example.com", "sign+encrypt",
     "-", "no-secret-key", "not-decrypted"},
    {"DecryptionServiceOffLeavesColleagueCopyEncrypted", decryption_off, "bob@example.com",
     "sign+encrypt", "-", "switch:decryption-off", "switch:decryption-off"},
    {"SignedOnlyColleagueCopyIsVerified", sign_only, "bob@example.com", "sign", "verify",
     "not-encrypted", "permitted"},
    {"PlainColleagueCopyNeedsNothing", manual_mode, "bob@example.com", "plain", "-",
     "not-encrypted", "not-signed"},
    {"ClientEncryptedMailToColleagueIsDecrypted", kind(PgpKind::PgpMimeEncrypted),
     "bob@example.com", "plain", "decrypt+verify", "permitted", "permitted"},
    {"ClientSignedMailToColleagueIsVerified", both(manual_mode, kind(PgpKind::InlineSigned)),
     "bob@example.com", "plain", "verify", "not-encrypted", "permitted"},
    {"UnauthenticatedLocalMailIsJudgedAsForeign",
     both(foreign_off, both(kind(PgpKind::PgpMimeEncrypted),
                            [](World& w) { w.envelope.authenticated = false; })),
     "bob@example.com", "plain", "-", "switch:sender-not-authorized", "not-decrypted"},
};

INSTANTIATE_TEST_SUITE_P(FromOutside, InboundTable, ::testing::ValuesIn(inbound_rows),
                         row_name<InboundRow>);
INSTANTIATE_TEST_SUITE_P(LocalToLocal, LocalTable, ::testing::ValuesIn(local_rows),
                         row_name<InboundRow>);

}  // namespace

}  // namespace sealpost::policy
