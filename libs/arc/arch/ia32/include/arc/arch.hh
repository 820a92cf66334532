// What user-level code needs to know about the architecture it runs on (ia32). Each architecture
// has this header in libs/arc/arch/<arch>/include/arc/; code includes <arc/arch.hh> and uses the
// constants instead of #if on the compiler's architecture macros.
#pragma once
#include <stdint.h>
#include <arc/abi.hh>

namespace arc::arch {
constexpr const char *name = "ia32";
constexpr uint16_t elf_machine = 3;        // EM_386: the programs this system loads
// The exception vector of an undefined instruction (#UD), which the ArcServer framework's panic
// (__builtin_trap: ud2) raises on purpose: the pager reports it as a panic, not a crash.
constexpr word panic_vector = 6;

// A time stamp: the TSC, one guest instruction per tick under QEMU's -icount shift=0.
inline unsigned long long cycles() {
  unsigned lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
}
} // namespace arc::arch
