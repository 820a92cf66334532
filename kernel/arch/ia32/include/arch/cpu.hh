// ia32 CPU primitives used by generic kernel code.
#pragma once
#include "lib/types.hh"

namespace kern::arch {

inline word stack_pointer() { word sp; asm volatile("mov %%esp, %0" : "=r"(sp)); return sp; }
inline uint64_t cycles() { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (uint64_t(hi) << 32) | lo; }
inline void wait_for_interrupt() { asm volatile("sti; hlt; cli" ::: "memory"); }
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
  asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return (uint64_t(hi) << 32) | lo; }
inline void wrmsr(uint32_t msr, uint64_t v) { asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32))); }

void cpu_init();   // GDT, IDT, TSS, FPU, feature checks
void set_kernel_stack(word top);
void set_utcb_segment(word base);
void load_io_bitmap(const uint8_t *const halves[2]);   // null halves: deny every port
const char *cpu_name();

} // namespace kern::arch
