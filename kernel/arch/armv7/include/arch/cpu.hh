// armv7 CPU primitives used by generic kernel code, and the CP15 accessors the arch code uses.
#pragma once
#include "lib/types.hh"

namespace kern::arch {

constexpr uint16_t elf_machine = 40;   // EM_ARM: the boot modules must be ARM ELF images
constexpr const char *arch_name = "armv7";

// CP15 register access: CP15_READ(c9, 0, c13, 0) names CRn, opc1, CRm, opc2.
#define ARC_CP15_READ(crn, op1, crm, op2)                                                      \
  ({ uint32_t _v; asm volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(_v)); _v; })
#define ARC_CP15_WRITE(crn, op1, crm, op2, v)                                                  \
  asm volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 ::"r"(uint32_t(v)) : "memory")

inline word stack_pointer() { word sp; asm volatile("mov %0, sp" : "=r"(sp)); return sp; }
// Cycles since boot: the PMU cycle counter extended to 64 bits, or the board's clock scaled to
// the CPU's nominal frequency where the PMU does not count (Cortex-A8 under QEMU).
uint64_t cycles();
// The count starts at the kernel's PMU set-up, not at reset: nothing to say at the kernel's entry.
constexpr bool cycles_from_reset = false;
// The kernel runs with interrupts off; the idle loop opens them for the wait only. lr is
// clobbered because the interrupt entry runs kernel code on this stack in SVC mode.
inline void wait_for_interrupt() { asm volatile("dsb\n wfi\n cpsie i\n nop\n cpsid i" ::: "memory", "lr"); }
inline void dsb() { asm volatile("dsb" ::: "memory"); }
inline void isb() { asm volatile("isb" ::: "memory"); }

inline uint32_t mmio_read(word va) { return *reinterpret_cast<volatile uint32_t *>(va); }
inline void mmio_write(word va, uint32_t v) { *reinterpret_cast<volatile uint32_t *>(va) = v; }

void cpu_init();   // vectors, caches, the cycle counter
const char *cpu_name();
// Map a device's registers into the kernel's device window (uncached, never executable) and
// return their virtual address. Only during boot, before the first address space exists.
word map_device(word phys, word size);

// I/O ports do not exist on ARM: the ioport system call manages capabilities only.

// Leave QEMU through semihosting SYS_EXIT_EXTENDED (needs -semihosting), else stop.
[[noreturn]] void semihosting_exit(word status);

} // namespace kern::arch
