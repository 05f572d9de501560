// Message pipeline benchmark (issue 3, point 4): messages per second of Processor::process
// for sign, sign+encrypt (outbound: submission, authenticated local sender, remote recipient
// with a key) and decrypt+verify (inbound, to a local recipient), at 4 KiB, 64 KiB and 1 MiB,
// for Ed25519 and RSA-2048 keys, each beside the bare librnp operation on the same body bytes
// with unlocked keys in the same run; the ratio is the pipeline's overhead (MIME, policy,
// key lookup, per-operation unlock). Then 20 MiB in MiB/s, and the peak memory of one 20 MiB
// message measured in a forked child (RSS high-water growth while processing it).
#include <malloc.h>
#include <rnp/rnp.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/allocator.hpp"
#include "common/log.hpp"
#include "common/secret.hpp"
#include "directory/sqlite_directory.hpp"
#include "keystore/key_manager.hpp"
#include "keystore/sqlite/sqlite_store.hpp"
#include "mime/message.hpp"
#include "openpgp/operations.hpp"
#include "pipeline/processor.hpp"
#include "support.hpp"
#include "unlocked.hpp"

using namespace sealpost;
using bench::Clock;

namespace {

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * 1024;

struct Options {
    double seconds = 1.0;        // per measurement at 4 KiB .. 1 MiB
    double large_seconds = 1.5;  // per measurement at 20 MiB
    bool large_only = false;     // --large: the 20 MiB figures of Ed25519 only (for profiling)
    bool small_only = false;     // --small: the 4 KiB figures of Ed25519 only (for profiling)
    bool memory_only = false;    // --memory: the peak memory figures of Ed25519 only
};

// Runs `op` repeatedly for about `seconds` (at least once after a warm-up) and returns
// operations per second.
template <typename Op>
double rate(double seconds, Op op) {
    op();  // warm-up
    std::size_t count = 0;
    auto start = Clock::now();
    do {
        op();
        ++count;
    } while (bench::seconds_since(start) < seconds);
    return static_cast<double>(count) / bench::seconds_since(start);
}

// A text body of exactly `size` bytes in CRLF lines, the last one ended too (as a mail
// client writes it: a body cut in the middle of a line, after a space, would have to be
// re-encoded as quoted-printable before signing, which is not what is measured here).
std::string make_body(std::size_t size) {
    const std::string line =
        "The quick brown fox jumps over the lazy dog. 0123456789 abcdefghijklmnop\r\n";
    std::string text;
    text.reserve(size + line.size());
    while (text.size() + line.size() <= size)
        text += line;
    if (text.size() < size) {
        std::size_t rest = size - text.size();  // >= 2 unless the lines fit exactly
        text += std::string(rest >= 2 ? rest - 2 : rest, 'x') + (rest >= 2 ? "\r\n" : "");
    }
    return text;
}

const std::string text_headers = "Content-Type: text/plain; charset=utf-8\r\n\r\n";

std::string outbound_message(const std::string& to, const std::string& subject,
                             const std::string& body) {
    return "From: Alice <alice@example.org>\r\nTo: <" + to + ">\r\nSubject: " + subject +
           "\r\nMIME-Version: 1.0\r\n" + text_headers + body;
}

std::string inbound_message(const std::string& ciphertext) {
    const std::string b = "enc-b";
    return "From: <carol@remote.test>\r\nTo: <alice@example.org>\r\nSubject: hi\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\";\r\n"
           "\tboundary=\"" +
           b + "\"\r\n\r\n--" + b +
           "\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n\r\n--" + b +
           "\r\nContent-Type: application/octet-stream\r\n\r\n" + ciphertext + "\r\n--" + b +
           "--\r\n";
}

// One data dir per key type: example.org local with alice; carol@remote.test has a key;
// dave@remote.test has none (so --pgps gives a signed-only message).
class Setup {
public:
    Setup(const std::string& dir, openpgp::KeyAlgorithm algorithm) : db_(dir + "/keystore.db") {
        store_ = std::make_unique<keystore::sqlite::SqliteStore>(db_, true);
        keys_ = std::make_unique<keystore::KeyManager>(*store_, master());
        directory_ = std::make_unique<directory::SqliteDirectory>(db_);
        directory_->add_domain("example.org");
        directory_->add_account("alice@example.org", "Alice", std::nullopt);
        alice = keys_->generate("alice@example.org", "", algorithm, 0).fingerprint;
        carol = keys_->generate("carol@remote.test", "", algorithm, 0).fingerprint;
        keys_->load_into(ring, {alice, carol}, true);
        bench::unlock_all(ring, alice, master());
        bench::unlock_all(ring, carol, master());
        processor_ = std::make_unique<pipeline::Processor>(*keys_, *directory_, config_, rules_);
    }

    static const Secret& master() {
        static const Secret secret("bench-master-passphrase");
        return secret;
    }

    pipeline::Result submit(const std::string& raw, const std::string& to) {
        pipeline::Envelope envelope;
        envelope.sender = "alice@example.org";
        envelope.recipients = {to};
        envelope.role = config::ListenerRole::Submission;
        envelope.authenticated = true;
        return processor_->process(envelope, raw, pipeline::Mode::Apply, "BENCHQ");
    }
    pipeline::Result receive(const std::string& raw) {
        pipeline::Envelope envelope;
        envelope.sender = "carol@remote.test";
        envelope.recipients = {"alice@example.org"};
        envelope.role = config::ListenerRole::Inbound;
        return processor_->process(envelope, raw, pipeline::Mode::Apply, "BENCHQ");
    }

    std::string alice, carol;
    openpgp::Keyring ring;  // both keys, secret parts unlocked: bare librnp at its fastest

private:
    std::string db_;
    config::Config config_;
    policy::Rules rules_;
    std::unique_ptr<keystore::sqlite::SqliteStore> store_;
    std::unique_ptr<keystore::KeyManager> keys_;
    std::unique_ptr<directory::SqliteDirectory> directory_;
    std::unique_ptr<pipeline::Processor> processor_;
};

void expect(bool ok, const std::string& what) {
    if (!ok)
        throw std::runtime_error("unexpected result: " + what);
}

bool has(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

struct Inputs {
    std::string body, sign_raw, seal_raw, open_raw, open_ciphertext;
};

Inputs make_inputs(Setup& s, std::size_t size) {
    Inputs in;
    in.body = make_body(size);
    in.sign_raw = outbound_message("dave@remote.test", "--pgps Launch", in.body);
    in.seal_raw = outbound_message("carol@remote.test", "Launch", in.body);
    // What carol's client would send alice: the body encrypted to alice, signed by carol.
    in.open_raw =
        inbound_message(openpgp::encrypt(s.ring, text_headers + in.body, {s.alice}, {s.carol}));
    in.open_ciphertext = openpgp::encrypt(s.ring, in.body, {s.alice}, {s.carol});
    return in;
}

struct Pair {
    double pipeline = 0, bare = 0;  // operations per second
};

struct Row {
    Pair sign, seal, open;
};

Row measure(Setup& s, const Inputs& in, double seconds) {
    Row r;
    // Check once that each operation does what it is measured for.
    auto signed_out = s.submit(in.sign_raw, "dave@remote.test");
    expect(signed_out.messages.size() == 1 && signed_out.messages[0].why == "sign", "sign");
    auto sealed_out = s.submit(in.seal_raw, "carol@remote.test");
    expect(sealed_out.messages.size() == 1 && sealed_out.messages[0].why == "encrypt+sign",
           "encrypt+sign");
    auto opened_out = s.receive(in.open_raw);
    expect(opened_out.messages.size() == 1 &&
               has(opened_out.messages[0].data, "X-Sealpost-Decrypted: yes") &&
               has(opened_out.messages[0].data, "X-Sealpost-Signature: good"),
           "decrypt+verify");
    auto bare_open = openpgp::decrypt(s.ring, in.open_ciphertext);
    expect(bare_open.plaintext == in.body && !bare_open.signatures.empty() &&
               bare_open.signatures.front().status == openpgp::SignatureStatus::Good,
           "bare decrypt+verify");

    std::size_t sink = 0;
    r.sign.pipeline =
        rate(seconds, [&] { sink += s.submit(in.sign_raw, "dave@remote.test").messages.size(); });
    r.sign.bare = rate(seconds, [&] {
        sink += openpgp::sign(s.ring, in.body, {s.alice}, openpgp::SignMode::Detached).size();
    });
    r.seal.pipeline =
        rate(seconds, [&] { sink += s.submit(in.seal_raw, "carol@remote.test").messages.size(); });
    r.seal.bare = rate(
        seconds, [&] { sink += openpgp::encrypt(s.ring, in.body, {s.carol}, {s.alice}).size(); });
    r.open.pipeline = rate(seconds, [&] { sink += s.receive(in.open_raw).messages.size(); });
    r.open.bare = rate(
        seconds, [&] { sink += openpgp::decrypt(s.ring, in.open_ciphertext).plaintext.size(); });
    expect(sink > 0, "sink");
    return r;
}

std::string size_name(std::size_t size) {
    return size >= MiB ? std::to_string(size / MiB) + " MiB" : std::to_string(size / KiB) + " KiB";
}

void print_rates(const std::string& algo, std::size_t size, const Row& r) {
    auto line = [&](const char* what, const Pair& p) {
        double overhead = 100.0 * (p.bare / p.pipeline - 1.0);
        std::printf(
            "%-8s %-7s %-15s pipeline %8.1f msg/s | bare librnp %8.1f op/s | overhead %6.1f%%%s\n",
            algo.c_str(), size_name(size).c_str(), what, p.pipeline, p.bare, overhead,
            size == 4 * KiB ? (overhead < 15.0 ? " (goal < 15%: met)" : " (goal < 15%: MISSED)")
                            : "");
    };
    line("sign", r.sign);
    line("sign+encrypt", r.seal);
    line("decrypt+verify", r.open);
}

// What one MIME parse of the message costs (GMime's tree built and freed, our checks): the
// least of the pipeline's overhead, since every message is parsed at least once.
void print_parse_cost(const std::string& algo, const Inputs& in, const Row& r, double seconds) {
    double parse_us = 1e6 / rate(seconds, [&] { mime::parse_in_place(in.seal_raw); });
    double sign_us = 1e6 / r.sign.bare;
    std::printf(
        "%-8s %-7s MIME parse alone %6.1f us per message = %5.1f%% of a bare signature (%.1f "
        "us)\n",
        algo.c_str(), "4 KiB", parse_us, 100.0 * parse_us / sign_us, sign_us);
}

void print_throughput(const std::string& algo, std::size_t size, const Row& r) {
    double mib = static_cast<double>(size) / MiB;
    auto line = [&](const char* what, const Pair& p) {
        std::printf(
            "%-8s %-7s %-15s pipeline %6.1f MiB/s | bare librnp %6.1f MiB/s | pipeline/bare "
            "%5.1f%% (goal >= 100 MiB/s)\n",
            algo.c_str(), size_name(size).c_str(), what, p.pipeline * mib, p.bare * mib,
            100.0 * p.pipeline / p.bare);
    };
    line("sign", r.sign);
    line("sign+encrypt", r.seal);
    line("decrypt+verify", r.open);
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM"), or -1.
long status_kib(const std::string& field) {
    std::FILE* file = std::fopen("/proc/self/status", "r");
    if (file == nullptr)
        return -1;
    char line[256];
    long value = -1;
    while (std::fgets(line, sizeof line, file) != nullptr) {
        if (std::string_view(line).starts_with(field + ":")) {
            value = std::atol(line + field.size() + 1);
            break;
        }
    }
    std::fclose(file);
    return value;
}

// Starts a fresh RSS high-water mark at the present RSS, with the heap's free memory given
// back first: memory the process freed earlier but kept would otherwise be reused unseen.
bool reset_high_water() {
    ::malloc_trim(0);
    std::FILE* file = std::fopen("/proc/self/clear_refs", "w");
    if (file == nullptr)
        return false;
    bool ok = std::fputs("5", file) >= 0;
    return std::fclose(file) == 0 && ok;
}

template <typename Op>
double peak_growth_mib(Op op) {
    int fds[2];
    if (::pipe(fds) != 0)
        throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(fds[0]);
        ::alarm(60);  // a child that hangs must not hang the benchmark
        double growth = -1;
        try {
            if (!reset_high_water())
                throw std::runtime_error("cannot reset the RSS high-water mark");
            long before = status_kib("VmRSS");
            op();
            growth = static_cast<double>(status_kib("VmHWM") - before) / 1024.0;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "memory measurement failed: %s\n", e.what());
        }
        auto written = ::write(fds[1], &growth, sizeof growth);
        ::_exit(written == sizeof growth ? 0 : 1);
    }
    ::close(fds[1]);
    double growth = -1;
    if (::read(fds[0], &growth, sizeof growth) != sizeof growth)
        growth = -1;
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return growth;
}

// The peak memory of one 20 MiB message each way, each measured in a forked child.
void print_memory(Setup& s, const std::string& name) {
    constexpr std::size_t large = 20 * MiB;
    Inputs in = make_inputs(s, large);
    double msg = static_cast<double>(large) / MiB;
    auto seal = peak_growth_mib([&] { s.submit(in.seal_raw, "carol@remote.test"); });
    auto open = peak_growth_mib([&] { s.receive(in.open_raw); });
    auto print = [&](const char* what, double growth) {
        std::printf("%-8s %-7s %-15s peak RSS growth %6.1f MiB | 2x message %5.1f MiB | %s\n",
                    name.c_str(), "20 MiB", what, growth, 2 * msg,
                    growth < 0         ? "not measured"
                    : growth < 2 * msg ? "under"
                                       : "OVER");
    };
    print("sign+encrypt", seal);
    print("decrypt+verify", open);
}

void run_measurements(Setup& s, const std::string& name, const Options& options, bool memory) {
    if (options.memory_only) {
        print_memory(s, name);
        return;
    }
    if (memory)
        print_memory(s, name);  // first, before any large message has been through this process
    for (std::size_t size : {4 * KiB, 64 * KiB, 1 * MiB}) {
        if (options.large_only || (options.small_only && size > 4 * KiB))
            break;
        Inputs in = make_inputs(s, size);
        Row row = measure(s, in, options.seconds);
        print_rates(name, size, row);
        if (size == 4 * KiB)
            print_parse_cost(name, in, row, options.seconds);
    }
    if (!options.small_only) {
        Inputs in = make_inputs(s, 20 * MiB);
        print_throughput(name, 20 * MiB, measure(s, in, options.large_seconds));
    }
}

void run_algorithm(const std::string& name, openpgp::KeyAlgorithm algorithm, const Options& options,
                   bool memory) {
    auto dir = bench::temp_dir("sealpost-pipeline-bench");
    {
        auto start = Clock::now();
        Setup s(dir, algorithm);
        std::printf("%s: keys generated in %.1f s\n", name.c_str(), bench::seconds_since(start));
        run_measurements(s, name, options, memory);
    }
    std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
    tune_allocator();  // as the sealpost binary does
    Options options;
    std::string mode = argc > 1 ? argv[1] : "";
    bool quick = mode == "--quick";
    if (quick)
        options = {0.2, 0.1};
    options.large_only = mode == "--large";
    options.small_only = mode == "--small";
    options.memory_only = mode == "--memory";
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    log::set_level(log::Level::Warn);
    std::printf(
        "pipeline benchmark (one thread; %s). overhead = bare rate / pipeline rate - 1; bare = "
        "openpgp::sign detached / encrypt / decrypt on the body bytes with unlocked keys\n",
        quick ? "quick run" : "full run");
    auto start = Clock::now();
    try {
        bool profiling = options.large_only || options.small_only || options.memory_only;
        run_algorithm("ed25519", openpgp::KeyAlgorithm::Ed25519, options, !profiling);
        if (profiling)
            return 0;
        // No memory figure for RSA: a forked child hung there (lock held across fork).
        run_algorithm("rsa2048", openpgp::KeyAlgorithm::Rsa2048, options, false);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pipeline_bench: %s\n", e.what());
        return 1;
    }
    std::printf("total %.1f s; peak RSS of this process: %.0f MiB\n", bench::seconds_since(start),
                bench::peak_rss_mib());
    return 0;
}
