// armv7 CPU set-up: the vector base, the cycle counter, the CPU's name, semihosting exit.
#include "arch/cpu.hh"
#include "arch/board_hooks.hh"
#include "lib/console.hh"

extern "C" char arc_vectors[], arc_vectors_halt[];

namespace kern::arch {

bool pmu_cycles_count;   // the PMU cycle counter runs (not on QEMU's Cortex-A8)

namespace {
uint32_t last_lo, hi;

inline uint32_t pmccntr() { return ARC_CP15_READ(c9, 0, c13, 0); }
} // namespace

void cpu_init() {
  ARC_CP15_WRITE(c12, 0, c0, 0, reinterpret_cast<word>(arc_vectors));   // VBAR
  isb();
  // PMU: enable (E), reset the cycle counter (C), no divider (D = 0), cycle counter on.
  const uint32_t pmcr = ARC_CP15_READ(c9, 0, c12, 0);
  ARC_CP15_WRITE(c9, 0, c12, 0, (pmcr & ~(1u << 3)) | 1u | (1u << 2));
  ARC_CP15_WRITE(c9, 0, c12, 1, 1u << 31);                               // PMCNTENSET.C
  isb();
  const uint32_t a = pmccntr();
  for (int i = 0; i < 1000; ++i) asm volatile("");
  pmu_cycles_count = pmccntr() != a;
}

uint64_t cycles() {
  if (!pmu_cycles_count) return platform::board_cycles();
  const uint32_t lo = pmccntr();
  if (lo < last_lo) ++hi;   // called at least every tick, far more often than it wraps
  last_lo = lo;
  return (uint64_t(hi) << 32) | lo;
}

const char *cpu_name() {
  switch ((ARC_CP15_READ(c0, 0, c0, 0) >> 4) & 0xfff) {   // MIDR part number
  case 0xc08: return "ARM Cortex-A8";
  case 0xc09: return "ARM Cortex-A9";
  case 0xc07: return "ARM Cortex-A7";
  case 0xc0f: return "ARM Cortex-A15";
  default: return "ARMv7 (unknown part)";
  }
}

void semihosting_exit(word status) {
  // Should QEMU run without -semihosting, the SVC would enter our own vector: park it there.
  asm volatile("cpsid if");
  ARC_CP15_WRITE(c12, 0, c0, 0, reinterpret_cast<word>(arc_vectors_halt));
  isb();
  const uint32_t block[2] = {0x20026 /* ADP_Stopped_ApplicationExit */, uint32_t(status)};
  register word r0 asm("r0") = 0x20;   // SYS_EXIT_EXTENDED
  register const uint32_t *r1 asm("r1") = block;
  asm volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
  for (;;) asm volatile("wfi");
}

} // namespace kern::arch
