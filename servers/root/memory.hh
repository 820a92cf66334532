// The root task's physical memory: everything sigma0 has, taken at boot in naturally aligned
// chunks and mapped at window + (physical address mod 1 GiB) in the root task's space (RAM lies in
// one naturally aligned GiB: from 0 on a PC, from 1 GiB on QEMU virt, from 2 GiB on the OMAP3530). A table of every
// frame (libs/physmem) records its state, owner and holders.
#pragma once
#include <arc/abi.hh>

namespace rt {

using arc::word;

constexpr word phys_window = 0x40000000;   // frames at phys_window + physical address mod 1 GiB
constexpr word phys_window_log2 = 30;      // up to 1 GiB of RAM

void memory_init(const arc::BootInfo &bi);
// A zeroed frame for owner (a pid); returns its address in our space, or 0.
word frame_alloc(word owner);
void frame_free(word addr, word owner);
void frames_free_all(word owner);
word frames_total();
word frames_free();
word frames_of(word owner);
word frames_used();   // allocated to processes and pagers, or shared

} // namespace rt
