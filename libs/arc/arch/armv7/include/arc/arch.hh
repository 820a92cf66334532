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

// A time stamp. Not every ARMv7 core has a counter user code may read (the Cortex-A8 has no
// generic timer, and the kernel keeps the PMU to itself), so user-level time stamps are 0 here:
// figures that depend on them (restart durations) read 0 on ARM.
inline unsigned long long cycles() { return 0; }
} // namespace arc::arch
