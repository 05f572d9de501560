// Outbound: what an authenticated local sender's message becomes.
#include "mime/classify.hpp"
#include "mime/extract.hpp"
#include "pipeline_test_support.hpp"

namespace sealpost::pipeline::testing {
namespace {

class OutboundTest : public PipelineTest {
protected:
    void SetUp() override {
        PipelineTest::SetUp();
        alice_ = generate("alice@example.org");
        learn(carol_);
        carol_.ring().import(keys_->export_public(alice_, false), false);
    }
    // Carol's client opens the PGP/MIME message.
    openpgp::OpenedMessage open_as_carol(const std::string& data) {
        auto parsed = mime::parse(data);
        auto payload = mime::encrypted_payload(parsed);
        EXPECT_TRUE(payload.has_value());
        return openpgp::decrypt(carol_.ring(), payload.value_or(""));
    }
    Correspondent carol_{"carol@remote.test"};
    std::string alice_;
};

TEST_F(OutboundTest, AutoEncryptsAndSignsToARemoteRecipientWithAKey) {
    auto result = submit(message("carol@remote.test", "Launch"), {"carol@remote.test"});
    ASSERT_EQ(result.messages.size(), 1u);
    const auto& out = result.messages[0];
    EXPECT_EQ(out.why, "encrypt+sign");
    EXPECT_EQ(out.recipients, std::vector<std::string>{"carol@remote.test"});
    EXPECT_FALSE(contains(out.data, "Secret plans"));
    EXPECT_EQ(mime::classify(mime::parse(out.data)), mime::Kind::PgpMimeEncrypted);
    auto opened = open_as_carol(out.data);
    EXPECT_TRUE(contains(opened.plaintext, "Secret plans"));
    ASSERT_EQ(opened.signatures.size(), 1u);
    EXPECT_EQ(opened.signatures[0].status, openpgp::SignatureStatus::Good);
    EXPECT_EQ(result.recipients[0].key, carol_.fingerprint());
}

TEST_F(OutboundTest, RecipientGroupsEachGetTheirOwnTreatment) {
    auto result = submit(message("carol@remote.test, dave@remote.test", "Launch"),
                         {"carol@remote.test", "dave@remote.test"});
    ASSERT_EQ(result.messages.size(), 2u);
    auto carol = to(result, "carol@remote.test");
    auto dave = to(result, "dave@remote.test");
    ASSERT_EQ(carol.size(), 1u);
    ASSERT_EQ(dave.size(), 1u);
    EXPECT_EQ(carol[0].why, "encrypt+sign");
    EXPECT_EQ(dave[0].why, "plain");
    EXPECT_TRUE(contains(dave[0].data, "Secret plans"));
}

TEST_F(OutboundTest, SignsOnlyWhenAskedWithPgps) {
    auto result = submit(message("dave@remote.test", "--pgps Launch"), {"dave@remote.test"});
    ASSERT_EQ(result.messages.size(), 1u);
    auto parsed = mime::parse(result.messages[0].data);
    EXPECT_EQ(parsed.subject(), "Launch");
    auto parts = mime::signed_parts(parsed);
    ASSERT_TRUE(parts.has_value());
    EXPECT_EQ(parts->micalg, "pgp-sha256");
    auto checked = openpgp::verify(carol_.ring(), parts->entity, parts->signature);
    ASSERT_EQ(checked.signatures.size(), 1u);
    EXPECT_EQ(checked.signatures[0].status, openpgp::SignatureStatus::Good);
}

TEST_F(OutboundTest, BccRecipientGetsACopyOfTheirOwn) {
    Correspondent erin("erin@remote.test");
    learn(erin);
    auto result =
        submit(message("carol@remote.test", "Launch"), {"carol@remote.test", "erin@remote.test"});
    ASSERT_EQ(result.messages.size(), 2u);
    ASSERT_EQ(to(result, "carol@remote.test").size(), 1u);
    auto erins = to(result, "erin@remote.test");
    ASSERT_EQ(erins.size(), 1u);
    EXPECT_EQ(erins[0].recipients.size(), 1u);
    EXPECT_THROW(open_as_carol(erins[0].data), Error);
}

TEST_F(OutboundTest, MustEncryptWithoutAKeyBouncesToTheSender) {
    auto result = submit(message("carol@remote.test, dave@remote.test", "--pgpx Launch"),
                         {"carol@remote.test", "dave@remote.test"});
    EXPECT_TRUE(to(result, "dave@remote.test").empty());
    ASSERT_EQ(to(result, "carol@remote.test").size(), 1u);
    auto bounces = to(result, "alice@example.org");
    ASSERT_EQ(bounces.size(), 1u);
    EXPECT_EQ(bounces[0].why, "dsn");
    EXPECT_EQ(bounces[0].sender, "");
    EXPECT_TRUE(contains(bounces[0].data, "report-type=delivery-status"));
    EXPECT_TRUE(contains(bounces[0].data, "Final-Recipient: rfc822; dave@remote.test"));
    EXPECT_TRUE(contains(bounces[0].data, "Status: 5.7.1"));
    EXPECT_FALSE(contains(bounces[0].data, "Secret plans"));
}

TEST_F(OutboundTest, PgpkRepliesWithTheRequestedKey) {
    auto result =
        submit(message("alice@example.org", "--pgpk<carol@remote.test>"), {"alice@example.org"});
    auto replies = to(result, "alice@example.org");
    auto reply = std::find_if(replies.begin(), replies.end(),
                              [](const Output& o) { return o.why == "key-reply"; });
    ASSERT_NE(reply, replies.end());
    EXPECT_TRUE(contains(reply->data, "application/pgp-keys"));
    EXPECT_TRUE(contains(reply->data, "BEGIN PGP PUBLIC KEY BLOCK"));
}

TEST_F(OutboundTest, PgpkForAnUnknownAddressSaysNoKeyIsKnown) {
    auto result =
        submit(message("alice@example.org", "--pgpk<nobody@remote.test>"), {"alice@example.org"});
    bool found = false;
    for (const auto& m : to(result, "alice@example.org")) {
        found = found || (m.why == "key-reply" && contains(m.data, "No public key known"));
    }
    EXPECT_TRUE(found);
}

TEST_F(OutboundTest, AutoReplyIsNotEncrypted) {
    auto result = submit(message("carol@remote.test", "Away", "Auto-Submitted: auto-replied\r\n"),
                         {"carol@remote.test"});
    ASSERT_EQ(result.messages.size(), 1u);
    EXPECT_NE(result.messages[0].why.rfind("encrypt", 0), 0u);
    EXPECT_TRUE(contains(result.messages[0].data, "Secret plans"));
}

TEST_F(OutboundTest, ExplainChangesNothing) {
    config_.keys.auto_create = true;
    std::string key = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    Correspondent frank("frank@remote.test");
    std::string raw =
        "From: <alice@example.org>\r\nTo: <carol@remote.test>, <bob@example.org>\r\n"
        "Subject: my key\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n" +
        frank.public_key();
    auto before = store_->list({}).size();
    auto result = submit(raw, {"carol@remote.test", "bob@example.org"}, Mode::Explain);
    EXPECT_TRUE(result.messages.empty());
    ASSERT_EQ(result.recipients.size(), 2u);
    EXPECT_EQ(result.recipients[0].action, "encrypt+sign");
    EXPECT_EQ(store_->list({}).size(), before);

    auto applied = submit(raw, {"carol@remote.test", "bob@example.org"});
    EXPECT_EQ(applied.keys_imported, std::vector<std::string>{frank.fingerprint()});
    EXPECT_EQ(applied.keys_created.size(), 1u);  // bob's
    EXPECT_EQ(store_->list({}).size(), before + 2);
    auto again = submit(raw, {"bob@example.org"});
    EXPECT_TRUE(again.keys_created.empty());
}

}  // namespace
}  // namespace sealpost::pipeline::testing
