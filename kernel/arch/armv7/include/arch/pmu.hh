// The PMU back end of perfmon on armv7: the architected PMU in CP15 c9 (PMCCNTR for cycles,
// event counters for instructions 0x08, immediate branches 0x0D, I-cache refills 0x01 and
// software changes of the PC 0x0C), programmed per thread on switch-in.
#pragma once
#include "lib/types.hh"

namespace kern::arch {
void pmu_init();
const char *pmu_name();
bool pmu_has(word event);
void pmu_load(const uint8_t events[4]);
uint64_t pmu_read(unsigned counter);
void pmu_restart();
void pmu_stop();
} // namespace kern::arch
