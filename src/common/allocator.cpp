#include "common/allocator.hpp"

#include <malloc.h>

namespace sealpost {

namespace {

constexpr int heap_buffer_limit = 64 << 20;
constexpr int kept_free_memory = 128 << 20;

}  // namespace

void tune_allocator() {
    // Setting the thresholds also turns off glibc's own adjustment of them, which would
    // otherwise move them as buffers come and go.
    mallopt(M_MMAP_THRESHOLD, heap_buffer_limit);
    mallopt(M_TRIM_THRESHOLD, kept_free_memory);
}

}  // namespace sealpost
