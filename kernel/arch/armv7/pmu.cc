// The armv7 PMU (CP15 c9): event counters 0..3 carry the thread's hardware events; the cycle
// counter runs all the time for arch::cycles(). Which events exist is found by trying each one
// at boot: PMCEID0 is a v8 register (undefined on QEMU's v7 cores), and QEMU counts some events
// only in some modes (instructions on the Cortex-A15 only under -icount). QEMU's Cortex-A8 has
// the registers but nothing counts: no hardware events there.
#include "arch/pmu.hh"
#include "arch/cpu.hh"

namespace kern::arch {

extern bool pmu_cycles_count;

namespace {
struct Event { word event; uint8_t code; };
constexpr Event table[] = {
  {arc::event::instructions, 0x08},   // INST_RETIRED
  {arc::event::branches,     0x0d},   // BR_IMMED_RETIRED
  {arc::event::icache_miss,  0x01},   // L1I_CACHE_REFILL
  {arc::event::pc_write,     0x0c},   // PC_WRITE_RETIRED (software change of the PC)
};
unsigned ncounters;
uint32_t present;    // bit n: event code n counted when tried
uint8_t loaded[4];

const Event *find(word e) {
  for (const Event &x : table)
    if (x.event == e) return &x;
  return nullptr;
}
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
} // namespace

void pmu_init() {
  if (!pmu_cycles_count) return;
  ncounters = (ARC_CP15_READ(c9, 0, c12, 0) >> 11) & 0x1f;
  if (ncounters > 4) ncounters = 4;
  ARC_CP15_WRITE(c9, 0, c14, 2, ~0u);   // PMINTENCLR: no overflow interrupts
  if (ncounters)
    for (const Event &x : table)
      if (counts(x.code)) present |= 1u << x.code;
  pmu_stop();
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
