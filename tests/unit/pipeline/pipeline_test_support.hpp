// Shared fixture of the pipeline tests: a keystore and directory in a temporary folder with
// example.org local (accounts alice and bob), and correspondents whose keys live in keyrings
// of their own, as their mail clients would keep them.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/log.hpp"
#include "common/secret.hpp"
#include "directory/sqlite_directory.hpp"
#include "keystore/key_manager.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "openpgp/generate.hpp"
#include "openpgp/operations.hpp"
#include "pipeline/processor.hpp"

namespace sealpost::pipeline::testing {

inline const Secret& master() {
    static const Secret secret("pipeline test master passphrase");
    return secret;
}

// Someone outside with their own key pair (in a keyring of their own).
class Correspondent {
public:
    explicit Correspondent(const std::string& address) : address_(address) {
        Secret pass("correspondent passphrase");
        fingerprint_ = openpgp::generate(
            ring_, {"<" + address + ">", openpgp::KeyAlgorithm::Ed25519, 0, 1024}, pass);
        ring_.set_passphrase(pass);
    }
    const std::string& address() const { return address_; }
    const std::string& fingerprint() const { return fingerprint_; }
    openpgp::Keyring& ring() { return ring_; }
    std::string public_key() const { return ring_.export_public(fingerprint_, true); }

private:
    std::string address_;
    openpgp::Keyring ring_;
    std::string fingerprint_;
};

class PipelineTest : public ::testing::Test {
protected:
    void SetUp() override {
        log::set_level(log::Level::Error);
        static std::atomic<int> counter{0};
        dir_ = std::filesystem::temp_directory_path() /
               ("sealpost-pipeline-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        auto db = (dir_ / "keystore.db").string();
        store_ = std::make_unique<keystore::sqlite::SqliteStore>(db, true);
        keys_ = std::make_unique<keystore::KeyManager>(*store_, master());
        directory_ = std::make_unique<directory::SqliteDirectory>(db);
        directory_->add_domain("example.org");
        directory_->add_account("alice@example.org", "Alice", std::nullopt);
        directory_->add_account("bob@example.org", "Bob", std::nullopt);
    }
    void TearDown() override {
        processor_.reset();
        directory_.reset();
        keys_.reset();
        store_.reset();
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    Processor& processor() {
        if (!processor_) {
            processor_ = std::make_unique<Processor>(*keys_, *directory_, config_, rules_);
        }
        return *processor_;
    }
    std::string generate(const std::string& address) {
        return keys_->generate(address, "", openpgp::KeyAlgorithm::Ed25519, 0).fingerprint;
    }
    void learn(const Correspondent& who) { keys_->import(who.public_key()); }

    Result submit(const std::string& raw, std::vector<std::string> recipients,
                  Mode mode = Mode::Apply) {
        Envelope envelope;
        envelope.sender = "alice@example.org";
        envelope.recipients = std::move(recipients);
        envelope.role = config::ListenerRole::Submission;
        envelope.authenticated = true;
        return processor().process(envelope, raw, mode, "TESTQ");
    }
    Result receive(const std::string& sender, const std::string& raw,
                   std::vector<std::string> recipients) {
        Envelope envelope;
        envelope.sender = sender;
        envelope.recipients = std::move(recipients);
        envelope.role = config::ListenerRole::Inbound;
        return processor().process(envelope, raw, Mode::Apply, "TESTQ");
    }

    std::filesystem::path dir_;
    config::Config config_;
    policy::Rules rules_;
    std::unique_ptr<keystore::sqlite::SqliteStore> store_;
    std::unique_ptr<keystore::KeyManager> keys_;
    std::unique_ptr<directory::SqliteDirectory> directory_;
    std::unique_ptr<Processor> processor_;
};

inline std::string message(const std::string& to, const std::string& subject,
                           const std::string& extra_headers = "") {
    return "From: Alice <alice@example.org>\r\nTo: " + to + "\r\nSubject: " + subject + "\r\n" +
           extra_headers +
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Secret plans for the launch.\r\n";
}

inline bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// The messages of `result` that go to `recipient`.
inline std::vector<Output> to(const Result& result, const std::string& recipient) {
    std::vector<Output> out;
    for (const auto& m : result.messages) {
        for (const auto& r : m.recipients) {
            if (r == recipient) {
                out.push_back(m);
            }
        }
    }
    return out;
}

}  // namespace sealpost::pipeline::testing
