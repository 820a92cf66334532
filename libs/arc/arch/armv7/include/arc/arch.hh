// What user-level code needs to know about the architecture it runs on (armv7). Each architecture
// has this header in libs/arc/arch/<arch>/include/arc/; code includes <arc/arch.hh> and uses the
// constants instead of #if on the compiler's architecture macros.
#pragma once
#include <stdint.h>
#include <arc/abi.hh>

namespace arc::arch {
constexpr const char *name = "armv7";
constexpr uint16_t elf_machine = 40;       // EM_ARM: the programs this system loads
// The exception vector of an undefined instruction (kernel/arch/armv7/trap.cc: 1), which the
// ArcServer framework's panic (__builtin_trap: udf) raises on purpose: the pager reports it as a
// panic, not a crash.
constexpr word panic_vector = 1;

// A time stamp: the PMU counter the kernel keeps running for user level and lets it read
// (kernel/arch/armv7/pmu.cc). On a core with more event counters than perfmon's four (the
// Cortex-A15: six) it is the last one, counting instructions (event 0x08; under QEMU only with
// -icount, where it counts guest instructions as rdtsc does on the PC) or else cycles; on other
// cores the cycle counter (QEMU's Cortex-A8: still). 32 bits: it wraps every 2^32 counts, so
// differences are right for intervals shorter than that (seconds of guest time).
inline unsigned long long cycles() {
  unsigned pmcr, v;
  asm volatile("mrc p15, 0, %0, c9, c12, 0" : "=r"(pmcr));          // PMCR
  const unsigned n = (pmcr >> 11) & 0x1f;
  if (n <= 4) {
    asm volatile("mrc p15, 0, %0, c9, c13, 0" : "=r"(v));           // PMCCNTR
    return v;
  }
  // Select, read, and check that the selection still holds: the kernel selects other counters
  // (never this one) when it is entered between the two instructions.
  unsigned sel;
  do {
    asm volatile("mcr p15, 0, %0, c9, c12, 5\n\tisb" : : "r"(n - 1) : "memory");   // PMSELR
    asm volatile("mrc p15, 0, %0, c9, c13, 2" : "=r"(v));           // PMXEVCNTR
    asm volatile("mrc p15, 0, %0, c9, c12, 5" : "=r"(sel));
  } while (sel != n - 1);
  return v;
}

// The running thread's UTCB: the kernel keeps its address in TPIDRURO (user read-only).
inline Utcb *utcb() {
  Utcb *u;
  asm volatile("mrc p15, 0, %0, c13, c0, 3" : "=r"(u));
  return u;
}

// One IPC system call (docs/kernel-abi.md): MR0..MR2 go from the UTCB into r4..r6 and come back
// there; r0 returns the status, r1 the badge. Inline, so an IPC costs no stub call.
inline word ipc(word nr_flags, word dest, word src, word timeouts, word *badge) {
  static_assert(__builtin_offsetof(Utcb, mr) == 0, "MR0..MR2 at the UTCB's start");
  register word r0 asm("r0") = nr_flags;
  register word r1 asm("r1") = dest;
  register word r2 asm("r2") = src;
  register word r3 asm("r3") = timeouts;
  word u;
  asm volatile("mrc p15, 0, %4, c13, c0, 3\n\t"
               "ldmia %4, {r4-r6}\n\t"
               "svc #0\n\t"
               "stmia %4, {r4-r6}"
               : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "=&r"(u)
               :
               : "r4", "r5", "r6", "memory");
  if (badge) *badge = r1;
  return r0;
}
} // namespace arc::arch
