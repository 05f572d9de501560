// smtp_load: the load generator as a command, for the integration tests that count what
// arrives. Prints one summary line; with --ids FILE writes the Message-IDs that got 250.
//   smtp_load --port N [--clients C] [--messages M] [--bytes B] [--from A] [--to A]
//             [--prefix P] [--retry-seconds S] [--ids FILE]
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include "smtp_load.hpp"
#include "support.hpp"

int main(int argc, char** argv) {
    sealpost::bench::LoadSpec spec;
    std::string ids_file;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string option = argv[i];
        std::string value = argv[i + 1];
        if (option == "--port") {
            spec.port = static_cast<unsigned short>(std::stoi(value));
        } else if (option == "--clients") {
            spec.clients = std::stoul(value);
        } else if (option == "--messages") {
            spec.messages = std::stoul(value);
        } else if (option == "--bytes") {
            spec.body_bytes = std::stoul(value);
        } else if (option == "--from") {
            spec.sender = value;
        } else if (option == "--to") {
            spec.recipient = value;
        } else if (option == "--prefix") {
            spec.id_prefix = value;
        } else if (option == "--retry-seconds") {
            spec.retry_seconds = std::stod(value);
        } else if (option == "--ids") {
            ids_file = value;
        } else {
            std::cerr << "smtp_load: unknown option " << option << "\n";
            return 64;
        }
    }
    if (spec.port == 0) {
        std::cerr << "smtp_load: --port is required\n";
        return 64;
    }
    auto result = sealpost::bench::run_load(spec);
    if (!ids_file.empty()) {
        std::ofstream out(ids_file);
        for (const auto& id : result.accepted_ids) {
            out << "<" << id << ">\n";
        }
    }
    auto& l = result.latencies;
    double p50 = l.empty() ? 0 : sealpost::bench::quantile(l, 0.5);
    double p99 = l.empty() ? 0 : sealpost::bench::quantile(l, 0.99);
    std::cout << "accepted=" << result.accepted << " temporary=" << result.temporary
              << " permanent=" << result.permanent << " broken=" << result.broken
              << " seconds=" << result.seconds << " rate=" << (result.accepted / result.seconds)
              << " p50_ms=" << p50 * 1000 << " p99_ms=" << p99 * 1000 << "\n";
    return result.accepted == spec.messages ? 0 : 1;
}
