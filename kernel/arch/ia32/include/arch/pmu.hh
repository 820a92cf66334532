// The PMU back end of perfmon on ia32: Intel architectural performance monitoring (CPUID leaf
// 0xA), up to four general counters, programmed per thread on switch-in. QEMU's TCG offers none.
#pragma once
#include "lib/types.hh"

namespace kern::arch {
void pmu_init();
const char *pmu_name();
bool pmu_has(word event);
void pmu_load(const uint8_t events[4]);   // program counters for the incoming thread, from zero
uint64_t pmu_read(unsigned counter);     // events counted since load or restart
void pmu_restart();                       // zero the running counters
void pmu_stop();
} // namespace kern::arch
