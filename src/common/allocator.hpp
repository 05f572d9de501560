// How Sealpost's processes use the C allocator. Large messages make buffers of tens of
// megabytes; glibc maps each such buffer afresh and unmaps it when freed, so every message
// pays for zeroing and faulting in all of its pages again (a quarter of the time of a 20 MiB
// message). Sealpost keeps them in the heap for reuse instead.
#pragma once

namespace sealpost {

// Buffers up to 64 MiB come from the heap, and up to 128 MiB of freed memory stays with the
// process for the next message. Call once at the start of main(), before threads start.
// LIMITATION: after a large message the process's resident size stays near its high-water
// mark (at most 128 MiB above what it uses, per allocator arena) instead of shrinking back.
void tune_allocator();

}  // namespace sealpost
