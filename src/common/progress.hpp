// A progress bar for long command-line work, drawn on standard error only when it is a
// terminal, so scripts and logs never see it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace sealpost {

class Progress {
public:
    Progress(std::string label, std::size_t total);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void advance(std::size_t steps = 1);
    void finish();

private:
    void draw();

    std::string label_;
    std::size_t total_;
    std::size_t done_ = 0;
    bool active_;
    bool finished_ = false;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace sealpost
