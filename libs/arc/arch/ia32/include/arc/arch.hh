// What user-level code needs to know about the architecture it runs on (ia32). Each architecture
// has this header in libs/arc/arch/<arch>/include/arc/; code includes <arc/arch.hh> and uses the
// constants instead of #if on the compiler's architecture macros.
#pragma once
#include <stdint.h>
#include <arc/abi.hh>
#include <stddef.h>

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

// The running thread's UTCB: the kernel points %gs at it and keeps Utcb::self its address.
inline Utcb *utcb() {
  Utcb *u;
  asm volatile("movl %%gs:%c1, %0" : "=r"(u) : "i"(offsetof(Utcb, self)));
  return u;
}

// One IPC system call (docs/kernel-abi.md): MR0..MR2 go from the UTCB (%gs) into esi, edi, ebp
// and come back there; eax returns the status, ebx the badge. Inline, so an IPC costs no stub
// call and no register spills beyond ebp, which is saved around the trap (it may be the frame
// pointer).
inline word ipc(word nr_flags, word dest, word src, word timeouts, word *badge) {
  static_assert(offsetof(Utcb, mr) == 0, "MR0..MR2 at %gs:0, 4, 8");
  word st = nr_flags, b = dest;
  asm volatile("push %%ebp\n\t"
               "movl %%gs:0, %%esi\n\t"
               "movl %%gs:4, %%edi\n\t"
               "movl %%gs:8, %%ebp\n\t"
               "int $0x30\n\t"
               "movl %%esi, %%gs:0\n\t"
               "movl %%edi, %%gs:4\n\t"
               "movl %%ebp, %%gs:8\n\t"
               "pop %%ebp"
               : "+a"(st), "+b"(b), "+c"(src), "+d"(timeouts)
               :
               : "esi", "edi", "memory");
  if (badge) *badge = b;
  return st;
}
} // namespace arc::arch
