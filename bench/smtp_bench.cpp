// SMTP gateway benchmark (issue 4, point 4): end-to-end messages per second and latency
// percentiles of `sealpost serve` over loopback for plain relay, sign, and sign+encrypt of
// 4 KiB messages at 1, 16 and 128 concurrent clients, beside the pipeline's in-process rate
// on the same messages with the same keystore in the same run (two threads, so both cores
// are busy in both figures), and the daemon's peak memory. The next hop is Postfix's
// smtp-sink, which accepts and discards, so the figures are Sealpost's own.
//   smtp_bench [--quick]
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/allocator.hpp"
#include "common/log.hpp"
#include "directory/sqlite_directory.hpp"
#include "keystore/data_dir.hpp"
#include "pipeline/processor.hpp"
#include "smtp/gateway/settings.hpp"
#include "smtp_load.hpp"
#include "support.hpp"

using namespace sealpost;

namespace {

struct Scenario {
    const char* name;
    bool submission;  // which listener
    std::string recipient;
    std::string subject;
};

pid_t spawn(const std::vector<std::string>& args, const std::string& log_file) {
    pid_t child = ::fork();
    if (child < 0) {
        throw std::runtime_error("fork failed");
    }
    if (child == 0) {
        std::FILE* log = std::fopen(log_file.c_str(), "a");
        if (log != nullptr) {
            ::dup2(::fileno(log), 1);
            ::dup2(::fileno(log), 2);
        }
        std::vector<char*> argv;
        for (const auto& a : args) {
            argv.push_back(const_cast<char*>(a.c_str()));
        }
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return child;
}

void stop(pid_t child) {
    ::kill(child, SIGTERM);
    int status = 0;
    ::waitpid(child, &status, 0);
}

unsigned short free_port() {
    static unsigned short next = static_cast<unsigned short>(30000 + ::getpid() % 20000);
    return next++;
}

void wait_for_port(unsigned short port) {
    for (int i = 0; i < 200; ++i) {
        std::string probe = "exec 3<>/dev/tcp/127.0.0.1/" + std::to_string(port);
        if (std::system(("bash -c '" + probe + "' 2>/dev/null").c_str()) == 0) {
            return;
        }
        ::usleep(50000);
    }
    throw std::runtime_error("nothing listens on port " + std::to_string(port));
}

double peak_rss_mib_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

// CPU seconds (user + system) the process `pid` has used so far.
double cpu_seconds_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14 || i == 15) {  // utime, stime
            ticks += std::stod(field);
        }
    }
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// CPU seconds this process (the load generator, once the in-process figure is taken) has used.
double own_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// CPU time per message of each process on the SMTP path, for one measurement.
struct CpuShare {
    double daemon_us = 0, load_us = 0, sink_us = 0;
};

std::string message_for(const Scenario& s, std::size_t body_bytes) {
    std::string text = "From: <alice@sealpost.test>\r\nTo: <" + s.recipient +
                       ">\r\nSubject: " + s.subject +
                       "\r\nMessage-ID: <inprocess@sealpost.bench>\r\nMIME-Version: 1.0\r\n"
                       "Content-Type: text/plain; charset=us-ascii\r\n\r\n";
    std::string line = "The quick brown fox jumps over the lazy dog, line of a load test.\r\n";
    while (text.size() + line.size() < body_bytes) {
        text += line;
    }
    return text;
}

// Messages per second of Processor::process on `threads` threads, each with its own
// keystore connection and Processor, for about `seconds`.
double in_process_rate(const keystore::DataDir& dir, const Scenario& s, int threads,
                       double seconds) {
    auto settings = smtp::load_settings(dir.root);
    std::string raw = message_for(s, 4096);
    pipeline::Envelope envelope;
    envelope.sender = s.submission ? "alice@sealpost.test" : "carol@remote.test";
    envelope.recipients = {s.recipient};
    envelope.role = s.submission ? config::ListenerRole::Submission : config::ListenerRole::Inbound;
    envelope.authenticated = s.submission;
    std::atomic<std::size_t> done{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            auto keystore = keystore::open_keystore(dir);
            directory::SqliteDirectory directory(dir.keystore().string());
            pipeline::Processor processor(*keystore.keys, directory, settings.config,
                                          settings.rules);
            processor.process(envelope, raw);  // warm the caches, as the daemon's are
            while (!go) {
                std::this_thread::yield();
            }
            auto start = bench::Clock::now();
            while (bench::seconds_since(start) < seconds) {
                processor.process(envelope, raw);
                ++done;
            }
        });
    }
    auto start = bench::Clock::now();
    go = true;
    for (auto& w : workers) {
        w.join();
    }
    return static_cast<double>(done) / bench::seconds_since(start);
}

void write_config(const std::string& root, unsigned short submission, unsigned short inbound,
                  unsigned short sink) {
    std::ofstream out(root + "/sealpost.toml");
    out << "[relay]\nnext_hop = \"smtp://127.0.0.1:" << sink << "\"\n"
        << "[smtp]\nmax_connections_per_client = 1000\n"
        << "[http]\naddress = \"\"\n"
        << "[discovery]\npka = false\nwkd = false\ndane = false\n"
        << "[log]\nlevel = \"warn\"\n"
        << "[[listener]]\naddress = \"127.0.0.1:" << submission << "\"\nrole = \"submission\"\n"
        << "[[listener]]\naddress = \"127.0.0.1:" << inbound << "\"\nrole = \"inbound\"\n";
}

void warm_up(const Scenario& s, unsigned short port) {
    bench::LoadSpec spec;
    spec.port = port;
    spec.clients = 4;
    spec.messages = 40;
    spec.sender = s.submission ? "alice@sealpost.test" : "carol@remote.test";
    spec.recipient = s.recipient;
    spec.subject = s.subject;
    spec.id_prefix = "warm-up";
    bench::run_load(spec);
}

}  // namespace

int main(int argc, char** argv) {
    tune_allocator();  // as the sealpost binary does
    bool quick = argc > 1 && std::string(argv[1]) == "--quick";
    std::size_t messages_per_client_count = quick ? 400 : 8000;
    double in_process_seconds = quick ? 1.5 : 4.0;
    log::set_level(log::Level::Warn);

    std::string root = bench::temp_dir("sealpost-smtp-bench");
    std::string data = root + "/data";
    std::string sealpost = SEALPOST_BINARY;
    bench::run(sealpost + " --log-level warn init " + data + " --domain sealpost.test >/dev/null");
    bench::run(sealpost + " --log-level warn --data-dir " + data +
               " users add alice@sealpost.test >/dev/null");
    bench::run(sealpost + " --log-level warn --data-dir " + data +
               " keys generate --user alice@sealpost.test >/dev/null");
    bench::run(sealpost + " --log-level warn --data-dir " + data +
               " keys generate --user carol@remote.test >/dev/null");
    unsigned short submission = free_port(), inbound = free_port(), sink = free_port();
    write_config(data, submission, inbound, sink);

    pid_t sink_pid = spawn(
        {"/usr/sbin/smtp-sink", "-u", "nobody", "-c", "127.0.0.1:" + std::to_string(sink), "1024"},
        root + "/sink.log");
    wait_for_port(sink);
    pid_t daemon = spawn({sealpost, "--data-dir", data, "serve"}, root + "/sealpost.log");
    wait_for_port(submission);
    wait_for_port(inbound);

    std::vector<Scenario> scenarios = {
        {"plain relay", false, "bob@sealpost.test", "plain"},
        {"sign", true, "dave@remote.test", "--pgps signed"},
        {"sign+encrypt", true, "carol@remote.test", "--pgps signed and encrypted"},
    };
    std::printf("SMTP gateway, 4 KiB messages over loopback, next hop smtp-sink (%s run)\n",
                quick ? "quick" : "full");
    std::printf(
        "CPU columns, in us per message: the daemon, the load generator and smtp-sink (all on\n"
        "the same two cores), and the pipeline in process (2 threads). budget: what the two\n"
        "cores give each message at 80%% of the in-process rate; the SMTP path needs the sum of\n"
        "the first three within it. floor: in-proc + load + sink, what a message would cost\n"
        "if the daemon's SMTP work were free; above the budget, 80%% cannot be reached here.\n");
    std::printf("%-13s %7s %9s %8s %8s %8s | %12s %6s | %6s %6s %6s %7s %6s %6s\n", "scenario",
                "clients", "msgs", "msg/s", "p50 ms", "p99 ms", "in-process/s", "ratio", "daemon",
                "load", "sink", "in-proc", "budget", "floor");
    keystore::DataDir dir{data};
    for (const auto& s : scenarios) {
        double inproc = in_process_rate(dir, s, 2, in_process_seconds);
        // Unmeasured warm-up: each worker loads the keys of this scenario with its first message.
        warm_up(s, s.submission ? submission : inbound);
        for (std::size_t clients : {1, 16, 128}) {
            bench::LoadSpec spec;
            spec.port = s.submission ? submission : inbound;
            spec.clients = clients;
            spec.messages = std::max<std::size_t>(messages_per_client_count / 4, clients * 4);
            spec.sender = s.submission ? "alice@sealpost.test" : "carol@remote.test";
            spec.recipient = s.recipient;
            spec.subject = s.subject;
            spec.id_prefix = std::string("bench-") + std::to_string(clients);
            double daemon_before = cpu_seconds_of(daemon);
            double load_before = own_cpu_seconds();
            double sink_before = cpu_seconds_of(sink_pid);
            auto result = bench::run_load(spec);
            double per_message =
                1e6 / static_cast<double>(std::max<std::size_t>(result.accepted, 1));
            CpuShare cpu{(cpu_seconds_of(daemon) - daemon_before) * per_message,
                         (own_cpu_seconds() - load_before) * per_message,
                         (cpu_seconds_of(sink_pid) - sink_before) * per_message};
            double rate = static_cast<double>(result.accepted) / result.seconds;
            double p50 = bench::quantile(result.latencies, 0.5) * 1000;
            double p99 = bench::quantile(result.latencies, 0.99) * 1000;
            double in_process_us = 2e6 / inproc;
            std::printf("%-13s %7zu %4zu/%-4zu %8.0f %8.2f %8.2f | %12.0f %5.0f%% | ", s.name,
                        clients, result.accepted, spec.messages, rate, p50, p99, inproc,
                        100.0 * rate / inproc);
            std::printf("%6.0f %6.0f %6.0f %7.0f %6.0f %6.0f\n", cpu.daemon_us, cpu.load_us,
                        cpu.sink_us, in_process_us, in_process_us / 0.8,
                        in_process_us + cpu.load_us + cpu.sink_us);
        }
    }
    std::printf("daemon peak memory (VmHWM): %.1f MiB\n", peak_rss_mib_of(daemon));
    stop(daemon);
    stop(sink_pid);
    std::filesystem::remove_all(root);
    return 0;
}
