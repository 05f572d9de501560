// Small helpers shared by the benchmarks: timing, percentiles, running a command.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sealpost::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The q-quantile (0..1) of `samples`, which it sorts.
double quantile(std::vector<double>& samples, double q);

// Runs `command` with /bin/sh; throws if it exits non-zero.
void run(const std::string& command);

std::string temp_dir(const std::string& prefix);

// Peak resident set size of this process so far, in MiB.
double peak_rss_mib();

}  // namespace sealpost::bench
