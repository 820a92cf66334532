// ktest on armv7: the fault sites of sites.S that only the armv7 tests use (the generic ones,
// ktest_undef and ktest_break, are declared in exception.hh).
#pragma once
#include <arc/abi.hh>

namespace ktest {
extern "C" {
arc::word ktest_align(arc::word a);   // LDREX from an unaligned address: alignment fault
arc::word ktest_priv();               // a CP15 read at PL0: undefined instruction
void ktest_thread_trampoline();       // pops r0 = argument and the entry point, calls it
extern char ktest_align_insn[], ktest_align_after[], ktest_priv_insn[], ktest_priv_after[];
}
// A device page from sigma0 (sigma0::label_map_device) at a free address of ours; 0 on failure.
arc::word map_device_page(arc::word phys);
} // namespace ktest
