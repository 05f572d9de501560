// The daemon's worker pool (DESIGN.md §2): crypto, MIME and database work runs here, never on
// an I/O thread. A coroutine on the I/O thread awaits `run(job)`; the job runs on a worker and
// the coroutine resumes on its own executor with the result, or with the job's exception.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace sealpost::smtp {

class WorkerPool {
public:
    // `threads` 0 means one per CPU core.
    explicit WorkerPool(std::size_t threads);
    ~WorkerPool();

    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Pass `job` as a named variable, not a temporary: GCC 12 may destroy a temporary in a
    // co_await expression twice. The job is moved out of it before the first suspension.
    template <typename Job>
    boost::asio::awaitable<std::invoke_result_t<Job&>> run(Job& job) {
        using Result = std::invoke_result_t<Job&>;
        auto task = std::make_shared<Task<Job>>(std::move(job));
        Pending pending(depth_);
        auto io = co_await boost::asio::this_coro::executor;
        co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
            [this, task, io](auto handler) {
                boost::asio::post(pool_, [task, io, handler = std::move(handler)]() mutable {
                    task->execute();
                    boost::asio::post(io, std::move(handler));
                });
            },
            boost::asio::use_awaitable);
        if (task->error) {
            std::rethrow_exception(task->error);
        }
        if constexpr (!std::is_void_v<Result>) {
            co_return std::move(*task->result);
        }
    }

    // Jobs submitted and not yet finished, for /metrics.
    std::size_t depth() const { return depth_.load(); }
    std::size_t threads() const { return threads_; }
    boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

    // Waits for the jobs in hand and stops the threads.
    void join();

private:
    // The job, and what it returned or threw, shared by the awaiting coroutine and the worker.
    template <typename Job>
    struct Task {
        using Result = std::invoke_result_t<Job>;
        explicit Task(Job j) : job(std::move(j)) {}
        void execute() {
            try {
                if constexpr (std::is_void_v<Result>) {
                    job();
                } else {
                    result.emplace(job());
                }
            } catch (...) {
                error = std::current_exception();
            }
        }
        Job job;
        std::optional<std::conditional_t<std::is_void_v<Result>, int, Result>> result;
        std::exception_ptr error;
    };

    struct Pending {
        std::atomic<std::size_t>& depth;
        explicit Pending(std::atomic<std::size_t>& d) : depth(d) { ++depth; }
        ~Pending() { --depth; }
    };

    std::size_t threads_;
    boost::asio::thread_pool pool_;
    std::atomic<std::size_t> depth_{0};
};

}  // namespace sealpost::smtp
