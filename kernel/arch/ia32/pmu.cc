#include "arch/pmu.hh"
#include "arch/cpu.hh"

namespace kern::arch {

namespace {
// Architectural events (Intel SDM vol. 3, "Pre-defined architectural performance events").
struct ArchEvent { word event; uint8_t code, umask, cpuid_bit; };
constexpr ArchEvent table[] = {
  {arc::event::instructions, 0xc0, 0x00, 1},   // instructions retired
  {arc::event::branches,     0xc4, 0x00, 5},   // branch instructions retired
};
unsigned version, ncounters;
uint32_t unavailable;   // CPUID.0AH:EBX, bit set = event not available
uint8_t loaded[4];

const ArchEvent *find(word e) {
  for (const ArchEvent &a : table)
    if (a.event == e) return &a;
  return nullptr;
}
} // namespace

void pmu_init() {
  uint32_t a, b, c, d;
  cpuid(0, &a, &b, &c, &d);
  if (a < 0xa) return;
  cpuid(0xa, &a, &b, &c, &d);
  version = a & 0xff;
  ncounters = (a >> 8) & 0xff;
  if (ncounters > 4) ncounters = 4;
  unavailable = b;
}

const char *pmu_name() {
  return version ? "Intel architectural PMU" : "no architectural PMU (CPUID.0AH reports version 0)";
}

bool pmu_has(word e) {
  const ArchEvent *a = find(e);
  return version && ncounters && a && !(unavailable & (1u << a->cpuid_bit));
}

void pmu_load(const uint8_t events[4]) {
  if (!version) return;
  for (unsigned i = 0; i < ncounters; ++i) {
    loaded[i] = events[i];
    const ArchEvent *a = find(events[i]);
    wrmsr(0xc1 + i, 0);   // IA32_PMCi
    // IA32_PERFEVTSELi: event, umask, USR | OS, EN.
    wrmsr(0x186 + i, a ? (a->code | (a->umask << 8) | (3u << 16) | (1u << 22)) : 0);
  }
}

uint64_t pmu_read(unsigned i) {
  if (!version || i >= ncounters || !find(loaded[i])) return 0;
  return rdmsr(0xc1 + i) & 0xffffffffffull;
}

void pmu_restart() {
  if (!version) return;
  for (unsigned i = 0; i < ncounters; ++i) wrmsr(0xc1 + i, 0);
}

void pmu_stop() {
  if (!version) return;
  for (unsigned i = 0; i < ncounters; ++i) wrmsr(0x186 + i, 0);
}

} // namespace kern::arch
