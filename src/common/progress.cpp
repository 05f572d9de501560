#include "common/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include "common/log.hpp"

namespace sealpost {

Progress::Progress(std::string label, std::size_t total)
    : label_(std::move(label)),
      total_(total),
      active_(::isatty(::fileno(log::error_stream())) == 1 && total > 1) {}

Progress::~Progress() {
    finish();
}

void Progress::advance(std::size_t steps) {
    done_ += steps;
    auto now = std::chrono::steady_clock::now();
    // Redraw at most ten times a second: a bulk import of 100,000 keys must not be slowed by
    // its own progress bar.
    if (active_ && (now - last_draw_ > std::chrono::milliseconds(100) || done_ >= total_)) {
        last_draw_ = now;
        draw();
    }
}

void Progress::finish() {
    if (active_ && !finished_) {
        draw();
        std::fputc('\n', log::error_stream());
    }
    finished_ = true;
}

void Progress::draw() {
    constexpr int width = 30;
    std::size_t shown = done_ > total_ ? total_ : done_;
    int filled = total_ == 0 ? width : static_cast<int>(shown * width / total_);
    std::fprintf(log::error_stream(), "\r%s [%.*s%*s] %zu/%zu", label_.c_str(), filled,
                 "##############################", width - filled, "", shown, total_);
    std::fflush(log::error_stream());
}

}  // namespace sealpost
