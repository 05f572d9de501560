// Key discovery from the pipeline: who is looked up, when, and what a key found in time does.
#include <map>
#include <thread>

#include "pipeline_test_support.hpp"

namespace sealpost::pipeline::testing {
namespace {

// Stands in for src/discovery: records each question and, for addresses it "publishes",
// imports the key as a lookup would.
class RecordingFinder : public KeyFinder {
public:
    explicit RecordingFinder(keystore::KeyManager& keys) : keys_(keys) {}
    void publish(const Correspondent& who) { published_[who.address()] = who.public_key(); }
    void find(const std::string& address, Deadline deadline, std::string_view) override {
        asked.push_back(address);
        deadlines.push_back(deadline);
        if (auto it = published_.find(address); it != published_.end()) {
            keys_.import(it->second);
        }
    }
    std::vector<std::string> asked;
    std::vector<Deadline> deadlines;

private:
    keystore::KeyManager& keys_;
    std::map<std::string, std::string> published_;
};

class DiscoveryHookTest : public PipelineTest {
protected:
    void SetUp() override {
        PipelineTest::SetUp();
        generate("alice@example.org");
        finder_ = std::make_unique<RecordingFinder>(*keys_);
        processor().set_key_finder(finder_.get());
    }
    void TearDown() override {
        processor_.reset();
        finder_.reset();
        PipelineTest::TearDown();
    }
    std::unique_ptr<RecordingFinder> finder_;
    Correspondent dave_{"dave@remote.test"};
};

TEST_F(DiscoveryHookTest, AKeyFoundInTimeEncryptsTheMessage) {
    finder_->publish(dave_);
    auto before = KeyFinder::Deadline::clock::now();
    auto result = submit(message("dave@remote.test", "Launch"), {"dave@remote.test"});
    EXPECT_EQ(finder_->asked, std::vector<std::string>{"dave@remote.test"});
    ASSERT_EQ(finder_->deadlines.size(), 1u);
    EXPECT_GE(finder_->deadlines[0], before + std::chrono::milliseconds(4900));
    ASSERT_EQ(result.messages.size(), 1u);
    EXPECT_EQ(result.messages[0].why, "encrypt+sign");
    EXPECT_EQ(result.recipients[0].key, dave_.fingerprint());
}

TEST_F(DiscoveryHookTest, NothingFoundLeavesTheMessageAsPolicySays) {
    auto result = submit(message("dave@remote.test", "Launch"), {"dave@remote.test"});
    EXPECT_EQ(finder_->asked, std::vector<std::string>{"dave@remote.test"});
    ASSERT_EQ(result.messages.size(), 1u);
    EXPECT_EQ(result.messages[0].why, "plain");
}

TEST_F(DiscoveryHookTest, OnlyRemoteRecipientsWithoutAKeyAreLookedUp) {
    Correspondent carol{"carol@remote.test"};
    learn(carol);
    submit(message("carol@remote.test, bob@example.org, erin@remote.test", "Launch"),
           {"carol@remote.test", "bob@example.org", "erin@remote.test"});
    EXPECT_EQ(finder_->asked, std::vector<std::string>{"erin@remote.test"});
}

TEST_F(DiscoveryHookTest, InboundUnauthenticatedAndExplainAskNothing) {
    receive("dave@remote.test", message("bob@example.org", "Hi"), {"bob@example.org"});
    Envelope unauthenticated{"alice@example.org",
                             {"dave@remote.test"},
                             config::ListenerRole::Submission,
                             false,
                             "",
                             false};
    processor().process(unauthenticated, message("dave@remote.test", "Hi"));
    submit(message("dave@remote.test", "Hi"), {"dave@remote.test"}, Mode::Explain);
    EXPECT_TRUE(finder_->asked.empty());
}

TEST_F(DiscoveryHookTest, NoLookupOnceTheMessagesTimeHasRunOut) {
    config_.discovery.max_wait_ms = 100;
    processor_.reset();
    processor().set_key_finder(finder_.get());
    class SlowFinder : public KeyFinder {
    public:
        void find(const std::string& address, Deadline deadline, std::string_view) override {
            asked.push_back(address);
            std::this_thread::sleep_until(deadline);
        }
        std::vector<std::string> asked;
    } slow;
    processor().set_key_finder(&slow);
    submit(message("dave@remote.test, erin@remote.test", "Launch"),
           {"dave@remote.test", "erin@remote.test"});
    EXPECT_EQ(slow.asked, std::vector<std::string>{"dave@remote.test"});
}

}  // namespace
}  // namespace sealpost::pipeline::testing
