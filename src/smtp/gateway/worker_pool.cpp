#include "smtp/gateway/worker_pool.hpp"

#include <thread>

namespace sealpost::smtp {

namespace {

std::size_t thread_count(std::size_t wanted) {
    if (wanted != 0) {
        return wanted;
    }
    auto cores = std::thread::hardware_concurrency();
    return cores == 0 ? 2 : cores;
}

}  // namespace

WorkerPool::WorkerPool(std::size_t threads)
    : threads_(thread_count(threads)), pool_(threads_) {}

WorkerPool::~WorkerPool() {
    join();
}

void WorkerPool::join() {
    pool_.join();
}

}  // namespace sealpost::smtp
