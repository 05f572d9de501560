// Queue IDs (see queue_id.hpp).
#include "smtp/server/queue_id.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>

namespace sealpost::smtp::server {

namespace {

constexpr char base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr int id_length = 12;

std::uint64_t random_bits() {
    thread_local std::mt19937_64 generator{std::random_device{}()};
    return generator();
}

}  // namespace

std::string make_queue_id() {
    static std::atomic<std::uint64_t> counter{0};
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    std::uint64_t bits = (static_cast<std::uint64_t>(seconds) & 0x3fffffff) << 30;
    bits |= (counter.fetch_add(1, std::memory_order_relaxed) & 0x7fff) << 15;
    bits |= random_bits() & 0x7fff;
    std::string id(id_length, 'A');
    for (int i = id_length - 1; i >= 0; --i) {
        id[static_cast<std::size_t>(i)] = base32_alphabet[bits & 31];
        bits >>= 5;
    }
    return id;
}

}  // namespace sealpost::smtp::server
