// ia32 CPU primitives used by generic kernel code.
#pragma once
#include "lib/types.hh"

namespace kern::arch {

constexpr uint16_t elf_machine = 3;   // EM_386: the boot modules must be i386 ELF images
constexpr const char *arch_name = "ia32";

inline word stack_pointer() { word sp; asm volatile("mov %%esp, %0" : "=r"(sp)); return sp; }
// The time-stamp counter counts from the machine's reset (under QEMU's -icount: every guest
// instruction, firmware included), so the kernel can say when it was entered.
constexpr bool cycles_from_reset = true;
inline uint64_t cycles() { uint32_t lo, hi; asm volatile("rdtsc" : "=a"(lo), "=d"(hi)); return (uint64_t(hi) << 32) | lo; }
inline void wait_for_interrupt() { asm volatile("sti; hlt; cli" ::: "memory"); }
inline void outb(uint16_t port, uint8_t v) { asm volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
inline uint8_t inb(uint16_t port) { uint8_t v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
// n bytes from p to one port (rep outsb; the kernel runs with the direction flag clear).
inline void outsb(uint16_t port, const char *p, word n) {
  asm volatile("rep outsb" : "+S"(p), "+c"(n) : "d"(port) : "memory");
}
// The first c in [p, p + n), or p + n (repne scasb).
inline const char *find_byte(const char *p, word n, char c) {
  if (!n) return p;
  bool found;
  asm volatile("repne scasb" : "+D"(p), "+c"(n), "=@ccz"(found) : "a"(c) : "memory");
  return found ? p - 1 : p;
}
inline void outw(uint16_t port, uint16_t v) { asm volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
inline void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
  asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}
inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return (uint64_t(hi) << 32) | lo; }
inline void wrmsr(uint32_t msr, uint64_t v) { asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32))); }

struct __attribute__((packed)) Tss {
  uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
  uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
  uint32_t es, cs, ss, ds, fs, gs, ldt;
  uint16_t trap, iomap_base;
  uint8_t iomap[8192];
  uint8_t iomap_end;           // the CPU reads one byte past the bitmap: must be 0xff
};
extern Tss tss;
extern uint64_t gdt[7];
constexpr unsigned gdt_utcb = 6;

void cpu_init();   // GDT, IDT, TSS, FPU, feature checks
inline void set_kernel_stack(word top) { tss.esp0 = top; }
uint64_t utcb_descriptor(word base);
// %gs is reloaded from this descriptor on every return to user mode.
inline void set_utcb_segment(uint64_t descriptor) { gdt[gdt_utcb] = descriptor; }
void load_io_bitmap(const uint8_t *const halves[2]);   // null halves: deny every port
void io_bitmap_changed();   // a space's bitmap was edited: the next load must copy it again
const char *cpu_name();

} // namespace kern::arch
