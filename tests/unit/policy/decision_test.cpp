// The outbound decision for one recipient of alice@example.com, table-driven: every switch of
// automatic mode, rules.txt, manual mode and the Subject codes that win over the switches.
// Defaults are sealpost.toml's: auto_encrypt on, auto_sign off, same_domain, local_domains and
// to_self on.
#include <gtest/gtest.h>

#include "decision_test_support.hpp"

namespace sealpost::policy {

namespace {

using namespace testing;

class OutboundTable : public ::testing::TestWithParam<OutboundRow> {};

TEST_P(OutboundTable, Decides) {
    check_outbound(GetParam());
}

const OutboundRow automatic_rows[] = {
    {"AutoEncryptsRemoteRecipientWithKey", defaults, "Hello", "dave@remote.org", "sign+encrypt",
     "auto", "encrypted"},
    {"AutoSendsRemoteRecipientWithoutKeyPlain", defaults, "Hello", "erin@remote.org", "plain",
     "no-key", "switch:auto-sign-off"},
    {"AutoEncryptOffSendsPlain", [](World& w) { w.config.encryption.auto_encrypt = false; },
     "Hello", "dave@remote.org", "plain", "switch:auto-encrypt-off", "switch:auto-sign-off"},
    {"AutoSignOnSignsRecipientWithoutKey", auto_sign, "Hello", "erin@remote.org", "sign", "no-key",
     "auto"},
    {"AutoSignOnStillEncryptsRecipientWithKey", auto_sign, "Hello", "dave@remote.org",
     "sign+encrypt", "auto", "encrypted"},
    {"AutoSignWithoutSecretKeySendsPlain", both(auto_sign, no_secret_key), "Hello",
     "erin@remote.org", "plain", "no-key", "no-secret-key"},
    {"EncryptedWithoutSecretKeyGoesUnsigned", no_secret_key, "Hello", "dave@remote.org", "encrypt",
     "auto", "no-secret-key"},
    {"SameDomainOnEncryptsColleague", defaults, "Hello", "bob@example.com", "sign+encrypt", "auto",
     "encrypted"},
    {"SameDomainOffSendsColleaguePlain", same_domain_off, "Hello", "bob@example.com", "plain",
     "switch:same-domain-off", "switch:auto-sign-off"},
    {"SameDomainOffStillEncryptsRemote", same_domain_off, "Hello", "dave@remote.org",
     "sign+encrypt", "auto", "encrypted"},
    {"SameDomainOffDoesNotCoverOtherLocalDomain", same_domain_off, "Hello", "carol@example.net",
     "sign+encrypt", "auto", "encrypted"},
    {"SameDomainOffStopsAutoSign", both(sign_only, same_domain_off), "Hello", "zoe@example.com",
     "plain", "switch:auto-encrypt-off", "switch:same-domain-off"},
    {"LocalDomainsOnEncryptsOtherLocalDomain", defaults, "Hello", "carol@example.net",
     "sign+encrypt", "auto", "encrypted"},
    {"LocalDomainsOffSendsOtherLocalDomainPlain", local_domains_off, "Hello", "carol@example.net",
     "plain", "switch:local-domains-off", "switch:auto-sign-off"},
    {"LocalDomainsOffDoesNotCoverSameDomain", local_domains_off, "Hello", "bob@example.com",
     "sign+encrypt", "auto", "encrypted"},
    {"LocalDomainsOffStillEncryptsRemote", local_domains_off, "Hello", "dave@remote.org",
     "sign+encrypt", "auto", "encrypted"},
    {"LocalDomainsOffStopsAutoSign", both(sign_only, local_domains_off), "Hello",
     "carol@example.net", "plain", "switch:auto-encrypt-off", "switch:local-domains-off"},
    {"ToSelfOnEncryptsMailToSelf", defaults, "Hello", "alice@example.com", "sign+encrypt", "auto",
     "encrypted"},
    {"ToSelfMatchesAnyCase", to_self_off, "Hello", "Alice@Example.COM", "plain",
     "switch:to-self-off", "switch:auto-sign-off"},
    {"ToSelfOffSendsMailToSelfPlain", to_self_off, "Hello", "alice@example.com", "plain",
     "switch:to-self-off", "switch:auto-sign-off"},
    {"ToSelfOffDoesNotCoverColleague", to_self_off, "Hello", "bob@example.com", "sign+encrypt",
     "auto", "encrypted"},
    {"ToSelfOffStopsAutoSign", both(sign_only, to_self_off), "Hello", "alice@example.com", "plain",
     "switch:auto-encrypt-off", "switch:to-self-off"},
    {"SameDomainOffDoesNotCoverSelf", same_domain_off, "Hello", "alice@example.com", "sign+encrypt",
     "auto", "encrypted"},
    {"EncryptionServiceOffSendsPlain", [](World& w) { w.config.encryption.enabled = false; },
     "Hello", "dave@remote.org", "plain", "switch:encryption-off", "switch:encryption-off"},
    {"ServiceOffSendsPlain", [](World& w) { w.config.service.enabled = false; }, "Hello",
     "dave@remote.org", "plain", "switch:service-off", "switch:service-off"},
};

const OutboundRow rules_rows[] = {
    {"AuthorizeLocalUsersOffRefusesEncryption", local_users_off, "Hello", "dave@remote.org",
     "plain", "switch:sender-not-authorized", "switch:auto-sign-off"},
    {"AuthorizeLocalUsersOffRuleAllowsEncryption", rules("+alice@example.com", local_users_off),
     "Hello", "dave@remote.org", "sign+encrypt", "auto", "encrypted"},
    {"EncryptPermissionDoesNotGrantSignedOnlyCopies",
     rules("+alice@example.com", both(local_users_off, auto_sign)), "Hello", "erin@remote.org",
     "plain", "no-key", "switch:sender-not-authorized"},
    {"AuthorizeLocalUsersOffGroupRuleAllowsSigning",
     rules("^GROUP:Signers", both(local_users_off, auto_sign)), "Hello", "erin@remote.org", "sign",
     "switch:sender-not-authorized", "auto"},
    {"RulesDenySenderEncryption", rules("-alice@example.com"), "Hello", "dave@remote.org", "plain",
     "rules:sender-denied line 1", "switch:auto-sign-off"},
    {"RulesDenySenderEncryptionThroughGroup",
     rules("-GROUP:NoCrypto",
           [](World& w) {
               w.members.insert({"NoCrypto", "alice@example.com"});
           }),
     "Hello", "dave@remote.org", "plain", "rules:sender-denied line 1", "switch:auto-sign-off"},
    {"RulesDenyRecipientEvenWithKey", rules("# remote partners\n-dave@remote.org"), "Hello",
     "dave@remote.org", "plain", "rules:recipient-denied line 2", "switch:auto-sign-off"},
    {"RulesDenyRecipientDomain", rules("-*@remote.org"), "Hello", "dave@remote.org", "plain",
     "rules:recipient-denied line 1", "switch:auto-sign-off"},
    {"RulesExactRecipientBeatsDomainDenial", rules("+dave@remote.org\n-*@remote.org"), "Hello",
     "dave@remote.org", "sign+encrypt", "auto", "encrypted"},
    {"CatchAllDenialExcludesEveryRecipient", rules("-*@*\n+alice@example.com"), "Hello",
     "dave@remote.org", "plain", "rules:recipient-denied line 1", "switch:auto-sign-off"},
    {"RulesDenySignStillSignsEncryptedCopy", rules("=alice@example.com"), "Hello",
     "dave@remote.org", "sign+encrypt", "auto", "encrypted"},
    {"RulesDenySignRefusesSignedOnlyCopy", rules("=alice@example.com", auto_sign), "Hello",
     "erin@remote.org", "plain", "no-key", "rules:sender-denied line 1"},
    {"RulesDenyRecipientSigningChangesNothing", rules("=erin@remote.org", auto_sign), "Hello",
     "erin@remote.org", "sign", "no-key", "auto"},
};

const OutboundRow manual_rows[] = {
    {"ManualModeWithoutCodeSendsPlain", manual_mode, "Hello", "dave@remote.org", "plain",
     "switch:auto-encrypt-off", "switch:auto-sign-off"},
    {"ManualPgpsAtStartSigns", manual_mode, "--pgps Hello", "erin@remote.org", "sign",
     "switch:auto-encrypt-off", "subject-code:--pgps"},
    {"ManualPgpsAtEndSigns", manual_mode, "Hello --pgps", "erin@remote.org", "sign",
     "switch:auto-encrypt-off", "subject-code:--pgps"},
    {"ManualPgpsDoesNotEncrypt", manual_mode, "--pgps Hello", "dave@remote.org", "sign",
     "switch:auto-encrypt-off", "subject-code:--pgps"},
    {"ManualPgpsWithoutSecretKeySendsPlain", both(manual_mode, no_secret_key), "--pgps Hello",
     "erin@remote.org", "plain", "switch:auto-encrypt-off", "no-secret-key"},
    {"ManualPgpeAtStartEncrypts", manual_mode, "--pgpe Hello", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpe", "encrypted"},
    {"ManualPgpeAtEndEncrypts", manual_mode, "Hello --pgpe", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpe", "encrypted"},
    {"ManualPgpeWithoutKeySendsAsItIs", manual_mode, "--pgpe Hello", "erin@remote.org", "plain",
     "no-key", "switch:auto-sign-off"},
    {"ManualPgpeAndPgpsWithoutKeySigns", manual_mode, "--pgps --pgpe Hello", "erin@remote.org",
     "sign", "no-key", "subject-code:--pgps"},
    {"ManualPgpxAtStartEncrypts", manual_mode, "--pgpx Hello", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpx", "encrypted"},
    {"ManualPgpxAtEndEncrypts", manual_mode, "Hello --pgpx", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpx", "encrypted"},
    {"ManualPgpxWithoutKeyBounces", manual_mode, "--pgpx Hello", "erin@remote.org", "bounce",
     "no-key", "switch:auto-sign-off"},
    {"ManualPgpxWithoutSecretKeyEncryptsUnsigned", both(manual_mode, no_secret_key), "--pgpx Hello",
     "dave@remote.org", "encrypt", "subject-code:--pgpx", "no-secret-key"},
    {"ManualUpperCaseCodeEncrypts", manual_mode, "--PGPE Hello", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpe", "encrypted"},
    {"ManualCodeInTheMiddleDoesNothing", manual_mode, "About --pgpe usage", "dave@remote.org",
     "plain", "switch:auto-encrypt-off", "switch:auto-sign-off"},
    {"ManualPgpkDoesNotEncrypt", manual_mode, "--pgpk", "alice@example.com", "plain",
     "switch:auto-encrypt-off", "switch:auto-sign-off"},
};

const OutboundRow code_rows[] = {
    {"PgpeWinsOverSameDomainOff", same_domain_off, "--pgpe Hello", "bob@example.com",
     "sign+encrypt", "subject-code:--pgpe", "encrypted"},
    {"PgpeWinsOverLocalDomainsOff", local_domains_off, "--pgpe Hello", "carol@example.net",
     "sign+encrypt", "subject-code:--pgpe", "encrypted"},
    {"PgpeWinsOverToSelfOff", to_self_off, "--pgpe Hello", "alice@example.com", "sign+encrypt",
     "subject-code:--pgpe", "encrypted"},
    {"PgpsWinsOverSameDomainOff", both(sign_only, same_domain_off), "--pgps Hello",
     "zoe@example.com", "sign", "switch:auto-encrypt-off", "subject-code:--pgps"},
    {"PgpsWinsOverToSelfOff", both(sign_only, to_self_off), "Hello --pgps", "alice@example.com",
     "sign", "switch:auto-encrypt-off", "subject-code:--pgps"},
    {"PgpsKeepsAutoEncryption", defaults, "--pgps Hello", "dave@remote.org", "sign+encrypt", "auto",
     "encrypted"},
    {"PgpsSignsWhereAutoEncryptionFindsNoKey", defaults, "--pgps Hello", "erin@remote.org", "sign",
     "no-key", "subject-code:--pgps"},
    {"PgpxIsReportedOverAuto", defaults, "--pgpx Hello", "dave@remote.org", "sign+encrypt",
     "subject-code:--pgpx", "encrypted"},
    {"PgpxWinsOverPgpe", manual_mode, "--pgpe --pgpx Hello", "erin@remote.org", "bounce", "no-key",
     "switch:auto-sign-off"},
    {"CodeDoesNotOverrideSenderDenial", rules("-alice@example.com"), "--pgpe Hello",
     "dave@remote.org", "plain", "rules:sender-denied line 1", "switch:auto-sign-off"},
    {"CodeDoesNotOverrideRecipientDenial", rules("-dave@remote.org"), "--pgpx Hello",
     "dave@remote.org", "bounce", "rules:recipient-denied line 1", "switch:auto-sign-off"},
    {"CodeDoesNotOverrideSignDenial", rules("=alice@example.com", manual_mode), "--pgps Hello",
     "erin@remote.org", "plain", "switch:auto-encrypt-off", "rules:sender-denied line 1"},
    {"CodeDoesNotOverrideEncryptionServiceOff",
     [](World& w) { w.config.encryption.enabled = false; }, "--pgpe Hello", "dave@remote.org",
     "plain", "switch:encryption-off", "switch:encryption-off"},
    {"PgpxBouncesWhenEncryptionServiceOff", [](World& w) { w.config.encryption.enabled = false; },
     "--pgpx Hello", "dave@remote.org", "bounce", "switch:encryption-off", "switch:encryption-off"},
    {"PgpxBouncesWhenServiceOff", [](World& w) { w.config.service.enabled = false; },
     "--pgpx Hello", "dave@remote.org", "bounce", "switch:service-off", "switch:service-off"},
};

INSTANTIATE_TEST_SUITE_P(Automatic, OutboundTable, ::testing::ValuesIn(automatic_rows),
                         row_name<OutboundRow>);
INSTANTIATE_TEST_SUITE_P(Rules, OutboundTable, ::testing::ValuesIn(rules_rows),
                         row_name<OutboundRow>);
INSTANTIATE_TEST_SUITE_P(Manual, OutboundTable, ::testing::ValuesIn(manual_rows),
                         row_name<OutboundRow>);
INSTANTIATE_TEST_SUITE_P(Codes, OutboundTable, ::testing::ValuesIn(code_rows),
                         row_name<OutboundRow>);

}  // namespace

}  // namespace sealpost::policy
