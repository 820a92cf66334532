// ktest exceptions: what the generic exception tests (exception.cc) and the arch-only ones
// (arch/<arch>/test_exception.cc) share. An exception arrives at the thread's exception handler as
// IPC (label exception: vector, error code, IP, SP, flags); the reply resumes the thread, at the
// same IP (no words) or at a new IP and SP (two words). Vectors: docs/kernel-abi.md.
#pragma once
#include "common.hh"

namespace ktest {

// ---- per architecture (arch/<arch>/sites.S and test_exception.cc) -------------------------
extern "C" {
word ktest_undef();   // an undefined instruction at ktest_undef_insn; 1 when resumed after it
word ktest_break();   // a breakpoint (a trap: reported with the IP after it); returns 3
extern char ktest_undef_insn[], ktest_undef_after[], ktest_break_after[];
}
struct ExcArch {
  word undefined_vector;                 // ia32 6 (#UD), armv7 1
  word breakpoint_vector;                // ia32 3 (#BP), armv7 3 (prefetch abort)
  bool (*breakpoint_error_ok)(word e);   // the error code of a breakpoint (armv7: IFSR)
  bool (*flags_ok)(word flags);          // the flags of a user thread (EFLAGS, CPSR)
};
extern const ExcArch exc_arch;

// ---- the victim and its handler ------------------------------------------------------------
struct Exc { word (*site)(); volatile word result; };
inline Exc exc;
inline void exc_main(word) { exc.result = exc.site(); }

struct ExcMsg { word badge, label, untyped, vector, error, ip, sp, flags; };

// Start site() in a thread whose exception handler is `ep` minted with `badge`.
inline CapSlot start_victim(word (*site)(), CapSlot ep, word badge) {
  exc = Exc{site, 0};
  CapSlot h = slot();
  if (!h || arc::cap_mint(ep, arc::boot_cap::space, h, arc::rights::send, badge) != Status::ok)
    return 0;
  ThreadOpts o;
  o.handler = h;
  return spawn(exc_main, 0, o);
}

// Receive the next exception message on `ep`.
inline Status get_exception(CapSlot ep, ExcMsg *m) {
  word badge = 0;
  Status st = arc::recv(ep, &badge, t_2s);
  arc::Utcb *ut = u();
  *m = ExcMsg{badge, arc::Tag(ut->mr[0]).label(), arc::Tag(ut->mr[0]).untyped(), ut->mr[1],
              ut->mr[2], ut->mr[3], ut->mr[4], ut->mr[5]};
  return st;
}

// Reply to an exception: resume at ip with stack pointer sp.
inline Status resume_at(word ip, word sp) {
  set_tag(0, 2);
  u()->mr[1] = ip;
  u()->mr[2] = sp;
  return arc::reply();
}

} // namespace ktest
