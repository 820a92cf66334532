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
// `count` zeroed frames (a power of two) in one block aligned to its size, the next such block
// free (next fit): a pager's stock, which then passes on as one flexpage. Their address in our
// space, or 0 if there is none (the caller takes frames one by one).
word frames_alloc_block(word owner, word count);
void frame_free(word addr, word owner);
void frames_free_all(word owner);
// A DMA buffer for owner (dma=): `bytes` (whole pages, at most max_dma_bytes) of zeroed frames in
// a row. Up to 64 KiB in one 64 KiB-aligned block below 16 MiB, where an ISA DMA controller reaches
// them without its address counter wrapping; larger (a bus master's surface) 64 KiB-aligned
// anywhere. Returns their address in our space and the physical one in *phys, or
// 0. The frames are the owner's like any other: freed with frames_free_all.
constexpr word max_dma_bytes = 4096u << 10;   // bootcfg::max_dma_kib
word frames_alloc_dma(word owner, word bytes, word *phys);
// `bytes` of frames in a row, starting at a multiple of `align` bytes (powers of two, whole
// pages), anywhere in RAM, zeroed (a secure domain's memory partition, secure.cc). Their address
// in our space, the physical one in *phys; 0 if there is no such run.
word frames_alloc_aligned(word owner, word bytes, word align, word *phys);
// Our address of physical address `phys` (in our window: RAM we took from sigma0).
word frame_va(word phys);
// Overwrite every frame we hold, and the table that says what they are, with a pattern that
// makes any use of it fault: the `scribble` fault of a domain's root task (docs/domains.md).
void memory_scribble();
word frames_total();
word frames_free();
word frames_of(word owner);
word frames_used();   // allocated to processes and pagers, or shared

} // namespace rt
