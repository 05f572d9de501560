// Keystore and OpenPGP core benchmark (issue: keystore and key management):
//   - key lookup by address among 100,000 keys (median, p99)
//   - import rate of real keys
//   - sign+encrypt and decrypt+verify of a 4 KiB message, per key type, three ways side by
//     side: bare librnp with unlocked keys, Sealpost's keystore path (key choice and lookups in
//     the store, the worker's cached keyring with its keys unlocked once), and gpg as one
//     process per message. Both librnp sides do the same OpenPGP work on the same payload.
//   - `--profile ed25519|rsa2048`: the keystore path and bare librnp alone, for callgrind.
#include <rnp/rnp.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <tuple>

#include "common/allocator.hpp"
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

// The address of the n-th key that fill_store() adds.
std::string bulk_address(std::size_t n) {
    return "user" + std::to_string(n) + "@d" + std::to_string(n % 500) + ".example";
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
            key.record.addresses = {bulk_address(i)};
            key.record.user_ids = {"<" + key.record.addresses.front() + ">"};
            key.secret_packets.clear();
            store.put_key(key);
        }
    });
    std::printf("store: filled to %zu keys in %.1f s\n", store.list({}).size(),
                bench::seconds_since(start));
    return existing;
}

// Times the key choice for each address in turn; returns microseconds per choice.
std::vector<double> time_choices(keystore::Store& store, const std::vector<std::string>& addresses,
                                 std::size_t& found) {
    std::vector<double> micros;
    micros.reserve(addresses.size());
    for (const auto& address : addresses) {
        auto start = Clock::now();
        auto choice = keystore::choose_encryption_key(store, address, 1900000000);
        micros.push_back(bench::seconds_since(start) * 1e6);
        found += choice ? 1 : 0;
    }
    return micros;
}

// Key choice for addresses not asked before (the store answers from the database), then for
// one address asked again and again (the answer is remembered while the store is unchanged;
// each lookup still asks SQLite whether anything changed).
void measure_lookup(keystore::Store& store, std::size_t first, std::size_t total,
                    std::size_t lookups) {
    std::vector<std::size_t> numbers(total - first);
    std::iota(numbers.begin(), numbers.end(), first);
    std::shuffle(numbers.begin(), numbers.end(), std::mt19937(42));
    numbers.resize(std::min(lookups, numbers.size()));
    std::vector<std::string> fresh;
    for (auto n : numbers) {
        fresh.push_back(bulk_address(n));
    }
    std::size_t found = 0;
    auto micros = time_choices(store, fresh, found);
    std::printf(
        "lookup: key choice by address, %zu keys in store, %zu addresses not asked before "
        "(%zu found): median %.1f us, p99 %.1f us (goal p99 < 1000 us)\n",
        total, fresh.size(), found, bench::quantile(micros, 0.5), bench::quantile(micros, 0.99));

    found = 0;
    micros = time_choices(store, std::vector<std::string>(lookups, fresh.front()), found);
    std::printf(
        "lookup: the same key choice asked again %zu times (answer remembered, store unchanged): "
        "median %.1f us, p99 %.1f us\n",
        lookups, bench::quantile(micros, 0.5), bench::quantile(micros, 0.99));
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

// Sealpost's keystore path for one pair of keys, as a worker runs it per message: key choice
// and lookups in the store (every one asks SQLite whether the store changed), the worker's
// cached keyring, the OpenPGP operation.
struct KeystorePath {
    KeystorePath(keystore::KeyManager& keys, const Pair& pair)
        : keys_(keys),
          cache_(keys),
          sender_(pair.sender.addresses.front()),
          recipient_(pair.recipient.addresses.front()) {}

    std::string seal() {
        auto& store = keys_.store();
        auto recipient = keystore::choose_encryption_key(store, recipient_, keys_.now());
        auto signers = store.find_by_address(sender_);
        auto& cached = cache_.prepare({recipient->key, signers.front()}, true);
        return openpgp::encrypt(cached, payload, {recipient->key.fingerprint},
                                {signers.front().fingerprint});
    }

    void open(const std::string& sealed) {
        auto& store = keys_.store();
        auto mine = store.find_by_address(recipient_);
        auto theirs = store.find_by_address(sender_);
        mine.insert(mine.end(), theirs.begin(), theirs.end());
        auto opened = openpgp::decrypt(cache_.prepare(mine, true), sealed);
        if (opened.plaintext != payload || opened.signatures.empty() ||
            opened.signatures.front().status != openpgp::SignatureStatus::Good) {
            throw std::runtime_error("keystore round trip failed");
        }
    }

private:
    keystore::KeyManager& keys_;
    keystore::KeyringCache cache_;
    std::string sender_;
    std::string recipient_;
};

// Bare librnp: both keys in one keyring, unlocked once; no lookups.
struct BareLibrnp {
    BareLibrnp(keystore::KeyManager& keys, const Pair& pair)
        : to_{pair.recipient.fingerprint}, from_{pair.sender.fingerprint} {
        keys.load_into(ring_, {pair.sender.fingerprint, pair.recipient.fingerprint}, true);
        bench::unlock_all(ring_, pair.sender.fingerprint, keys.master());
        bench::unlock_all(ring_, pair.recipient.fingerprint, keys.master());
    }

    std::string seal() { return openpgp::encrypt(ring_, payload, to_, from_); }

    void open(const std::string& sealed) {
        if (openpgp::decrypt(ring_, sealed).plaintext != payload) {
            throw std::runtime_error("bare round trip differs");
        }
    }

private:
    openpgp::Keyring ring_;
    std::vector<std::string> to_;
    std::vector<std::string> from_;
};

// Bare librnp against Sealpost's keystore path, on the same keys and payload.
SideBySide measure_librnp_and_keystore(keystore::KeyManager& keys, const Pair& pair,
                                       double seconds) {
    BareLibrnp bare(keys, pair);
    KeystorePath path(keys, pair);

    std::string sealed;
    auto bare_seal = [&] { sealed = bare.seal(); };
    auto our_seal = [&] { sealed = path.seal(); };
    auto bare_open = [&] { bare.open(sealed); };
    auto our_open = [&] { path.open(sealed); };
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

template <typename Side>
void seal_then_open(Side& side, int rounds) {
    std::vector<std::string> sealed;
    for (int i = 0; i < rounds; ++i) {
        sealed.push_back(side.seal());
    }
    for (const auto& message : sealed) {
        side.open(message);
    }
}

// The rounds a profiler looks at, apart from key generation and the first loading of the keys
// (callgrind: --collect-atstart=no --toggle-collect='*keystore_rounds*', or '*bare_rounds*').
[[gnu::noinline]] void keystore_rounds(KeystorePath& path, int rounds) {
    seal_then_open(path, rounds);
}
[[gnu::noinline]] void bare_rounds(BareLibrnp& bare, int rounds) {
    seal_then_open(bare, rounds);
}

// `--profile ed25519|rsa2048`: 200 sign+encrypt then 200 decrypt+verify on the keystore path,
// then the same on bare librnp, for a profiler to show where the keystore path spends more.
void profile(const std::string& dir, const std::string& algorithm) {
    if (algorithm != "ed25519" && algorithm != "rsa2048") {
        throw std::runtime_error("--profile takes ed25519 or rsa2048, not " + algorithm);
    }
    keystore::sqlite::SqliteStore store(dir + "/keystore.db", true);
    keystore::KeyManager keys(store, Secret("bench-master-passphrase"));
    auto type =
        algorithm == "rsa2048" ? openpgp::KeyAlgorithm::Rsa2048 : openpgp::KeyAlgorithm::Ed25519;
    Pair pair{algorithm, keys.generate("carol@profile.example", "", type, 0),
              keys.generate("dave@profile.example", "", type, 0)};
    KeystorePath path(keys, pair);
    path.open(path.seal());  // loads the keys
    keystore_rounds(path, 200);
    BareLibrnp bare(keys, pair);
    bare_rounds(bare, 200);
}

}  // namespace

int main(int argc, char** argv) {
    tune_allocator();  // as the sealpost binary does
    Options options;
    if (argc > 2 && std::string(argv[1]) == "--profile") {
        auto dir = bench::temp_dir("sealpost-profile");
        profile(dir, argv[2]);
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
