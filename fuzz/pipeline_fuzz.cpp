// Fuzzes the inbound pipeline: any bytes, received for a local user who has a key, must be
// delivered, passed through or refused with sealpost::Error, never crash. The data directory
// (keystore, one local domain, bob@example.org with an Ed25519 key) is made once per process
// in a temporary folder; small limits make the fuzzer reach them often.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/log.hpp"
#include "config/config.hpp"
#include "directory/sqlite_directory.hpp"
#include "keystore/data_dir.hpp"
#include "keystore/key_manager.hpp"
#include "pipeline/processor.hpp"
#include "policy/rules.hpp"

namespace {

namespace keystore = sealpost::keystore;
namespace pipeline = sealpost::pipeline;

struct World {
    keystore::DataDir dir;
    keystore::OpenKeystore opened;
    std::unique_ptr<sealpost::directory::SqliteDirectory> directory;
    sealpost::config::Config config;
    sealpost::policy::Rules rules;
    std::unique_ptr<pipeline::Processor> processor;
};

World& world() {
    static World* w = [] {
        // Every input is logged at info; that would be most of the fuzzer's time.
        sealpost::log::set_level(sealpost::log::Level::Error);
        auto* made = new World;
        char pattern[] = "/tmp/sealpost-fuzz.XXXXXX";
        if (::mkdtemp(pattern) == nullptr) {
            std::abort();
        }
        made->dir = keystore::DataDir{pattern};
        keystore::create_keystore(made->dir);
        made->opened = keystore::open_keystore(made->dir);
        made->directory =
            std::make_unique<sealpost::directory::SqliteDirectory>(made->dir.keystore().string());
        made->directory->add_domain("example.org");
        made->directory->add_account("bob@example.org", "Bob", std::nullopt);
        made->opened.keys->generate("bob@example.org", "Bob",
                                    sealpost::openpgp::KeyAlgorithm::Ed25519, 0);
        made->config.limits.max_message_bytes = std::size_t{1} << 20;
        made->config.limits.max_decompressed_bytes = std::size_t{1} << 20;
        made->config.limits.max_mime_depth = 16;
        made->config.limits.max_signatures = 8;
        made->processor = std::make_unique<pipeline::Processor>(
            *made->opened.keys, *made->directory, made->config, made->rules);
        return made;
    }();
    return *w;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    World& w = world();
    std::string_view raw(reinterpret_cast<const char*>(data), size);
    pipeline::Envelope envelope;
    envelope.sender = "carol@peer.test";
    envelope.recipients = {"bob@example.org"};
    envelope.role = sealpost::config::ListenerRole::Inbound;
    try {
        pipeline::Result result = w.processor->process(envelope, raw);
        // mail is never lost: something must come out for bob
        if (result.messages.empty()) {
            std::abort();
        }
    } catch (const sealpost::Error&) {
        // refused with a reason: the MTA keeps the message
    }
    return 0;
}
