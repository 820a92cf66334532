// ktest on ia32: port I/O and the fault sites of sites.S that only the ia32 tests use (the
// generic ones, ktest_undef and ktest_break, are declared in exception.hh).
#pragma once
#include <arc/abi.hh>

namespace ktest {
inline void outb(unsigned short port, unsigned char v) {
  asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
inline unsigned char inb(unsigned short port) {
  unsigned char v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}

extern "C" {
arc::word ktest_div0();               // div by zero
arc::word ktest_hlt();                // hlt (privileged)
arc::word ktest_inb(arc::word port);  // inb (port)
extern char ktest_div0_insn[], ktest_div0_after[], ktest_hlt_insn[], ktest_hlt_after[],
    ktest_inb_insn[], ktest_inb_after[];
}
} // namespace ktest
