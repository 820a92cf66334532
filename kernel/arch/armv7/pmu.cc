// The armv7 PMU (CP15 c9): event counters 0..3 carry the thread's hardware events; the cycle
// counter runs all the time for arch::cycles(). Which events exist is found by trying each one
// at boot: PMCEID0 is a v8 register (undefined on QEMU's v7 cores), and QEMU counts some events
// only in some modes (instructions on the Cortex-A15 only under -icount). QEMU's Cortex-A8 has
// the registers but nothing counts: no hardware events there.
//
// The user clock: when the core has more event counters than perfmon's four (the Cortex-A15 has
// six), the kernel keeps the last one for itself, counting instructions (event 0x08) in every
// mode, or cycles (0x11) where instructions do not count, never reset: user code reads it as its
// time stamp (arc::arch::cycles() in libs/arc, like rdtsc on the PC; apps/bench counts guest
// instructions with it under -icount). Reading needs PMUSERENR.EN, which on ARMv7 opens all PMU
// registers to user mode (there is no read-only setting before ARMv8): a thread could stop or
// reprogram counters while it runs. pmu_load therefore re-enables the PMU and the user clock
// whenever it programs a watched thread's counters, so a thread can spoil only its own figures.
#include "arch/pmu.hh"
#include "arch/pmu_events.hh"
#include "arch/cpu.hh"
#include "lib/console.hh"

namespace kern::arch {

extern bool pmu_cycles_count;

namespace {
using pmu_events::Event;
using pmu_events::find;
unsigned ncounters;    // perfmon's: at most 4
unsigned user_clock;   // the kernel's counter for user time stamps; 0: none (cores with <= 4)
uint32_t user_clock_event;
uint32_t present;    // bit n: event code n counted when tried
uint8_t loaded[4];

void select(unsigned i) { ARC_CP15_WRITE(c9, 0, c12, 5, i); isb(); }   // PMSELR

// Does event `code` count? Counter 0 watches a loop that branches, after the I-cache was emptied.
bool counts(uint8_t code) {
  select(0);
  ARC_CP15_WRITE(c9, 0, c13, 1, code);   // PMXEVTYPER
  ARC_CP15_WRITE(c9, 0, c13, 2, 0);      // PMXEVCNTR
  ARC_CP15_WRITE(c9, 0, c12, 1, 1);      // PMCNTENSET
  ARC_CP15_WRITE(c7, 0, c5, 0, 0);       // ICIALLU
  dsb();
  isb();
  for (int i = 0; i < 200; ++i) asm volatile("");
  ARC_CP15_WRITE(c9, 0, c12, 2, 1);      // PMCNTENCLR
  isb();
  return ARC_CP15_READ(c9, 0, c13, 2) != 0;
}

void start_user_clock() {
  select(user_clock);
  ARC_CP15_WRITE(c9, 0, c13, 1, user_clock_event);   // PMXEVTYPER: all modes
  ARC_CP15_WRITE(c9, 0, c12, 1, 1u << user_clock);   // PMCNTENSET
}
} // namespace

void pmu_init() {
  // User mode may read the PMU (PMUSERENR.EN) on every board, so that arc::arch::cycles() never
  // faults; where nothing counts it reads a still counter.
  ARC_CP15_WRITE(c9, 0, c14, 0, 1);
  if (!pmu_cycles_count) return;
  const unsigned hw = (ARC_CP15_READ(c9, 0, c12, 0) >> 11) & 0x1f;
  ncounters = pmu_events::perfmon_counters(hw);
  ARC_CP15_WRITE(c9, 0, c14, 2, ~0u);   // PMINTENCLR: no overflow interrupts
  if (ncounters)
    for (const Event &x : pmu_events::table)
      if (counts(x.code)) present |= 1u << x.code;
  pmu_stop();
  user_clock = pmu_events::user_clock_counter(hw);
  if (user_clock) {
    user_clock_event = pmu_events::user_clock_event(present);
    select(user_clock);
    ARC_CP15_WRITE(c9, 0, c13, 2, 0);                 // PMXEVCNTR: from zero, at boot
    start_user_clock();
    klog("perfmon: user time stamps from PMU counter %u, event 0x%x (%s)", user_clock,
         unsigned(user_clock_event), user_clock_event == 0x08 ? "instructions" : "cycles");
  } else {
    klog("perfmon: user time stamps from the cycle counter");
  }
}

const char *pmu_name() {
  if (!pmu_cycles_count) return "ARMv7 PMU that does not count (QEMU models only its registers)";
  return "ARMv7 PMU";
}

bool pmu_has(word e) {
  const Event *x = find(e);
  if (!pmu_cycles_count || !ncounters || !x) return false;
  return present & (1u << x->code);
}

void pmu_load(const uint8_t events[4]) {
  if (!ncounters) return;
  // PMCR.E and the user clock, whatever a thread did to them (see the top of this file).
  ARC_CP15_WRITE(c9, 0, c12, 0, ARC_CP15_READ(c9, 0, c12, 0) | 1u);
  if (user_clock) start_user_clock();
  uint32_t on = 0;
  for (unsigned i = 0; i < ncounters; ++i) {
    loaded[i] = events[i];
    const Event *x = find(events[i]);
    select(i);
    ARC_CP15_WRITE(c9, 0, c13, 1, x ? x->code : 0);   // PMXEVTYPER
    ARC_CP15_WRITE(c9, 0, c13, 2, 0);                 // PMXEVCNTR
    if (x) on |= 1u << i;
  }
  ARC_CP15_WRITE(c9, 0, c12, 2, ((1u << ncounters) - 1) & ~on);   // PMCNTENCLR
  ARC_CP15_WRITE(c9, 0, c12, 1, on);                              // PMCNTENSET
}

uint64_t pmu_read(unsigned i) {
  if (i >= ncounters || !find(loaded[i])) return 0;
  select(i);
  return ARC_CP15_READ(c9, 0, c13, 2);
}

void pmu_restart() {
  for (unsigned i = 0; i < ncounters; ++i) {
    select(i);
    ARC_CP15_WRITE(c9, 0, c13, 2, 0);
  }
}

void pmu_stop() {
  if (ncounters) ARC_CP15_WRITE(c9, 0, c12, 2, (1u << ncounters) - 1);
}

} // namespace kern::arch
