// How perfmon's portable events map onto the ARMv7 PMU's event numbers (ARM ARM C12.8, common
// events), and how the core's event counters are shared between perfmon and the kernel's user
// clock. Apart from pmu.cc so that the host tests (tests/unit/test_armv7.cc) can check it.
#pragma once
#include "lib/types.hh"

namespace kern::arch::pmu_events {

struct Event { word event; uint8_t code; };
constexpr Event table[] = {
  {arc::event::instructions, 0x08},   // INST_RETIRED
  {arc::event::branches,     0x0d},   // BR_IMMED_RETIRED
  {arc::event::icache_miss,  0x01},   // L1I_CACHE_REFILL
  {arc::event::pc_write,     0x0c},   // PC_WRITE_RETIRED (software change of the PC)
};
constexpr uint8_t inst_retired = 0x08, cpu_cycles = 0x11;

// The hardware event behind a perfmon event; null for software events and unknown numbers.
constexpr const Event *find(word e) {
  for (const Event &x : table)
    if (x.event == e) return &x;
  return nullptr;
}

// A core with `hw` event counters (PMCR.N) gives perfmon at most four; one with more keeps its
// last counter for the user clock (0: no user clock, time stamps come from the cycle counter).
constexpr unsigned perfmon_counters(unsigned hw) { return hw > 4 ? 4 : hw; }
constexpr unsigned user_clock_counter(unsigned hw) { return hw > 4 ? hw - 1 : 0; }
// The user clock counts instructions where they count (QEMU: only under -icount), else cycles.
// present: bit n set when event n was seen counting.
constexpr uint8_t user_clock_event(uint32_t present) {
  return (present & (1u << inst_retired)) ? inst_retired : cpu_cycles;
}

} // namespace kern::arch::pmu_events
