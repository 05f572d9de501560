// Keystore and OpenPGP core benchmark (issue: keystore and key management):
//   - key lookup by address among 100,000 keys (median, p99)
//   - import rate of real keys
//   - sign+encrypt and decrypt+verify of a 4 KiB message, per key type, three ways side by
//     side: bare librnp with unlocked keys, Sealpost's keystore path (lookup, cached keyring,
//     per-operation unlock), and gpg as one process per message.
#include <rnp/rnp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "common/log.hpp"
#include "keystore/key_choice.hpp"
#include "keystore/keyring_cache.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "openpgp/operations.hpp"
#include "support.hpp"
#include "unlocked.hpp"

using namespace sealpost;
using bench::Clock;

namespace {

struct Options {
    std::size_t store_keys = 100000;
    std::size_t import_keys = 1000;
    std::size_t lookups = 20000;
    double crypto_seconds = 2.0;
    std::size_t gpg_messages = 40;
};

struct Pair {
    std::string name;
    keystore::KeyRecord sender;
    keystore::KeyRecord recipient;
};

const std::string payload = [] {
    std::string text;
    while (text.size() < 4096)
        text += "The quick brown fox jumps over the lazy dog. 0123456789\n";
    text.resize(4096);
    return text;
}();

void measure_import(keystore::KeyManager& keys, std::size_t count) {
    openpgp::Keyring source;
    Secret pass("bench");
    std::string blob;
    for (std::size_t i = 0; i < count; ++i) {
        auto uid = "Bulk " + std::to_string(i) + " <import" + std::to_string(i) + "@peer.example>";
        // A cheap S2K: these keys only feed the import measurement.
        auto fpr = openpgp::generate(source, {uid, openpgp::KeyAlgorithm::Ed25519, 0, 1024}, pass);
        blob += source.export_public(fpr);
    }
    auto start = Clock::now();
    auto report = keys.import(blob);
    double secs = bench::seconds_since(start);
    std::printf("import: %zu Ed25519 public keys in one file: %.2f s, %.0f keys/s\n", report.size(),
                secs, static_cast<double>(report.size()) / secs);
}

// Fills the store up to `total` keys. The rows are real: each holds the packets of a real
// key; fingerprints and addresses differ per row so the indexes see 100,000 distinct keys.
std::size_t fill_store(keystore::Store& store, const keystore::StoredKey& model,
                       std::size_t total) {
    auto start = Clock::now();
    std::size_t existing = store.list({}).size();
    store.transaction([&] {
        for (std::size_t i = existing; i < total; ++i) {
            keystore::StoredKey key = model;
            char fpr[41];
            std::snprintf(fpr, sizeof fpr, "%040zX", i + 0xF00000);
            key.record.fingerprint = fpr;
            key.record.key_id = key.record.fingerprint.substr(24);
            key.record.subkey_ids = {};
            key.record.addresses = {"user" + std::to_string(i) + "@d" + std::to_string(i % 500) +
                                    ".example"};
            key.record.user_ids = {"<" + key.record.addresses.front() + ">"};
            key.secret_packets.clear();
            store.put_key(key);
        }
    });
    std::printf("store: filled to %zu keys in %.1f s\n", store.list({}).size(),
                bench::seconds_since(start));
    return existing;
}

void measure_lookup(keystore::Store& store, std::size_t first, std::size_t total,
                    std::size_t lookups) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<std::size_t> pick(first, total - 1);
    std::vector<double> micros;
    micros.reserve(lookups);
    std::size_t found = 0;
    for (std::size_t i = 0; i < lookups; ++i) {
        auto n = pick(rng);
        auto address = "user" + std::to_string(n) + "@d" + std::to_string(n % 500) + ".example";
        auto start = Clock::now();
        auto choice = keystore::choose_encryption_key(store, address, 1900000000);
        micros.push_back(bench::seconds_since(start) * 1e6);
        found += choice ? 1 : 0;
    }
    double median = bench::quantile(micros, 0.5);
    double p99 = bench::quantile(micros, 0.99);
    std::printf(
        "lookup: key choice by address, %zu keys in store, %zu lookups (%zu found): "
        "median %.1f us, p99 %.1f us (goal p99 < 1000 us)\n",
        total, lookups, found, median, p99);
}

struct Rates {
    double seal = 0;  // sign+encrypt per second
    double open = 0;  // decrypt+verify per second
};

// Runs `first` and `second` in alternating slices of about 20 ms until each has run for
// `seconds`, and returns their rates. Alternating means a load that comes and goes on this
// shared machine weighs on both sides alike, so their ratio holds even when the rates move.
template <typename First, typename Second>
std::pair<double, double> side_by_side(double seconds, First first, Second second) {
    first();  // warm-up
    second();
    double spent[2] = {0, 0};
    std::size_t count[2] = {0, 0};
    auto slice = [&](int side, auto& op) {
        auto start = Clock::now();
        while (bench::seconds_since(start) < 0.02) {
            op();
            ++count[side];
        }
        spent[side] += bench::seconds_since(start);
    };
    while (spent[0] < seconds || spent[1] < seconds) {
        slice(0, first);
        slice(1, second);
    }
    return {static_cast<double>(count[0]) / spent[0], static_cast<double>(count[1]) / spent[1]};
}

struct SideBySide {
    Rates bare;
    Rates ours;
};

// Bare librnp (keys unlocked once, no lookups) against Sealpost's keystore path (key choice
// in the store, the worker's cached keyring, a per-operation unlock).
SideBySide measure_librnp_and_keystore(keystore::KeyManager& keys, const Pair& pair,
                                       double seconds) {
    openpgp::Keyring ring;
    keys.load_into(ring, {pair.sender.fingerprint, pair.recipient.fingerprint}, true);
    bench::unlock_all(ring, pair.sender.fingerprint, keys.master());
    bench::unlock_all(ring, pair.recipient.fingerprint, keys.master());
    std::vector<std::string> to{pair.recipient.fingerprint}, from{pair.sender.fingerprint};
    keystore::KeyringCache cache(keys);
    auto& store = keys.store();
    auto sender_address = pair.sender.addresses.front();
    auto recipient_address = pair.recipient.addresses.front();

    std::string sealed;
    auto bare_seal = [&] { sealed = openpgp::encrypt(ring, payload, to, from); };
    auto our_seal = [&] {
        auto recipient = keystore::choose_encryption_key(store, recipient_address, keys.now());
        auto signers = store.find_by_address(sender_address);
        auto& cached = cache.prepare({recipient->key, signers.front()}, true);
        sealed = openpgp::encrypt(cached, payload, {recipient->key.fingerprint},
                                  {signers.front().fingerprint});
    };
    auto bare_open = [&] {
        if (openpgp::decrypt(ring, sealed).plaintext != payload) {
            throw std::runtime_error("bare round trip differs");
        }
    };
    auto our_open = [&] {
        auto mine = store.find_by_address(recipient_address);
        auto theirs = store.find_by_address(sender_address);
        mine.insert(mine.end(), theirs.begin(), theirs.end());
        auto opened = openpgp::decrypt(cache.prepare(mine, true), sealed);
        if (opened.plaintext != payload || opened.signatures.empty() ||
            opened.signatures.front().status != openpgp::SignatureStatus::Good) {
            throw std::runtime_error("keystore round trip failed");
        }
    };
    SideBySide r;
    std::tie(r.bare.seal, r.ours.seal) = side_by_side(seconds, bare_seal, our_seal);
    std::tie(r.bare.open, r.ours.open) = side_by_side(seconds, bare_open, our_open);
    return r;
}

// gpg gets its keys without a passphrase: its best case, where no per-process S2K is paid.
std::string unprotected_secret(keystore::KeyManager& keys, const std::string& fpr) {
    openpgp::Keyring ring;
    keys.load_into(ring, {fpr}, true);
    auto key = ring.find(fpr);
    std::vector<rnp_key_handle_t> parts{key.get()};
    size_t count = 0;
    rnp_key_get_subkey_count(key.get(), &count);
    for (size_t i = 0; i < count; ++i) {
        rnp_key_handle_t sub = nullptr;
        rnp_key_get_subkey_at(key.get(), i, &sub);
        parts.push_back(sub);
    }
    for (auto* part : parts) {
        rnp_key_unprotect(part, keys.master().reveal().c_str());
    }
    for (std::size_t i = 1; i < parts.size(); ++i) {
        rnp_key_handle_destroy(parts[i]);
    }
    return ring.export_secret(fpr, true);
}

Rates measure_gpg(keystore::KeyManager& keys, const Pair& pair, const std::string& dir,
                  std::size_t messages) {
    auto home = dir + "/gnupg-" + pair.name;
    std::filesystem::create_directories(home);
    std::filesystem::permissions(home, std::filesystem::perms::owner_all);
    {
        std::ofstream in(dir + "/in.txt");
        in << payload;
    }
    std::string gpg =
        "gpg --homedir " + home + " --batch --yes --quiet --no-tty --trust-model always ";
    for (const auto& key : {pair.sender, pair.recipient}) {
        {
            std::ofstream out(dir + "/sec.asc");
            out << unprotected_secret(keys, key.fingerprint);
        }
        bench::run(gpg + "--import " + dir + "/sec.asc");
    }
    auto seal_cmd = gpg + "-se -r " + pair.recipient.fingerprint + " -u " +
                    pair.sender.fingerprint + " -o " + dir + "/out.gpg " + dir + "/in.txt";
    auto open_cmd = gpg + "-d -o " + dir + "/dec.txt " + dir + "/out.gpg 2>/dev/null";
    bench::run(seal_cmd);  // warm the agent
    Rates r;
    auto start = Clock::now();
    for (std::size_t i = 0; i < messages; ++i)
        bench::run(seal_cmd);
    r.seal = static_cast<double>(messages) / bench::seconds_since(start);
    start = Clock::now();
    for (std::size_t i = 0; i < messages; ++i)
        bench::run(open_cmd);
    r.open = static_cast<double>(messages) / bench::seconds_since(start);
    bench::run("gpgconf --homedir " + home + " --kill all");
    return r;
}

void measure_crypto(keystore::KeyManager& keys, const Pair& pair, const Options& options,
                    const std::string& dir) {
    auto [bare, ours] = measure_librnp_and_keystore(keys, pair, options.crypto_seconds);
    auto gpg = measure_gpg(keys, pair, dir, options.gpg_messages);
    auto line = [&](const char* what, double b, double o, double g) {
        std::printf(
            "%-8s %-15s bare librnp %7.0f/s | keystore path %7.0f/s (%5.1f%% of bare) | "
            "gpg per process %5.0f/s | keystore/gpg %5.1fx\n",
            pair.name.c_str(), what, b, o, 100.0 * o / b, g, o / g);
    };
    line("sign+encrypt", bare.seal, ours.seal, gpg.seal);
    line("decrypt+verify", bare.open, ours.open, gpg.open);
}

}  // namespace

// `--profile-rsa`: only the keystore-path RSA sign+encrypt, for a profiler (callgrind) to show
// where librnp's RSA time goes.
int profile_rsa(const std::string& dir) {
    keystore::sqlite::SqliteStore store(dir + "/keystore.db", true);
    keystore::KeyManager keys(store, Secret("bench-master-passphrase"));
    Pair rsa{"rsa2048", keys.generate("carol@rsa.example", "", openpgp::KeyAlgorithm::Rsa2048, 0),
             keys.generate("dave@rsa.example", "", openpgp::KeyAlgorithm::Rsa2048, 0)};
    keystore::KeyringCache cache(keys);
    auto& ring = cache.prepare({rsa.sender, rsa.recipient}, true);
    for (int i = 0; i < 20; ++i) {
        openpgp::encrypt(ring, payload, {rsa.recipient.fingerprint}, {rsa.sender.fingerprint});
    }
    return 0;
}

int main(int argc, char** argv) {
    Options options;
    if (argc > 1 && std::string(argv[1]) == "--profile-rsa") {
        auto dir = bench::temp_dir("sealpost-profile");
        profile_rsa(dir);
        std::filesystem::remove_all(dir);
        return 0;
    }
    if (argc > 1 && std::string(argv[1]) == "--quick") {
        options = {5000, 200, 2000, 0.5, 10};
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    log::set_level(log::Level::Warn);
    auto dir = bench::temp_dir("sealpost-bench");
    {
        keystore::sqlite::SqliteStore store(dir + "/keystore.db", true);
        keystore::KeyManager keys(store, Secret("bench-master-passphrase"));
        std::printf("keystore benchmark (one thread; %s)\n", argc > 1 ? "quick run" : "full run");
        Pair ed{"ed25519", keys.generate("alice@ed.example", "", openpgp::KeyAlgorithm::Ed25519, 0),
                keys.generate("bob@ed.example", "", openpgp::KeyAlgorithm::Ed25519, 0)};
        Pair rsa{"rsa2048",
                 keys.generate("carol@rsa.example", "", openpgp::KeyAlgorithm::Rsa2048, 0),
                 keys.generate("dave@rsa.example", "", openpgp::KeyAlgorithm::Rsa2048, 0)};
        measure_import(keys, options.import_keys);
        auto first =
            fill_store(store, *store.get_key(ed.recipient.fingerprint), options.store_keys);
        measure_lookup(store, first, options.store_keys, options.lookups);
        measure_crypto(keys, ed, options, dir);
        measure_crypto(keys, rsa, options, dir);
        std::printf("peak RSS: %.0f MiB\n", bench::peak_rss_mib());
    }
    std::filesystem::remove_all(dir);
    return 0;
}
