// ia32 thread set-up and the low-level part of a context switch.
#include "arch/thread_arch.hh"
#include "arch/cpu.hh"
#include "object/thread.hh"
#include "lib/string.hh"

extern "C" void thread_start_user();

namespace kern::arch {

Thread *fpu_owner;
bool fpu_ts = true;   // cpu_init sets CR0.TS

void init_user_thread(Thread *t) {
  UserFrame *f = user_frame_of(t);
  memset(f, 0, sizeof(*f));
  f->cs = 0x1b;
  f->ss = 0x23;
  f->eflags = 0x202;   // IF
  // Below the frame: what arch_switch pops, returning into thread_start_user.
  word *sp = reinterpret_cast<word *>(f);
  *--sp = reinterpret_cast<word>(thread_start_user);
  for (int i = 0; i < 4; ++i) *--sp = 0;
  t->arch.ksp = reinterpret_cast<word>(sp);
}

void init_kernel_thread(Thread *t, void (*entry)()) {
  word *sp = reinterpret_cast<word *>(t->kstack_top());
  *--sp = 0;
  *--sp = reinterpret_cast<word>(entry);
  for (int i = 0; i < 4; ++i) *--sp = 0;
  t->arch.ksp = reinterpret_cast<word>(sp);
}

void thread_bound(Thread *t) { t->arch.utcb_desc = utcb_descriptor(t->utcb_user); }

void fpu_forget(Thread *t) {
  if (fpu_owner == t) fpu_owner = nullptr;
}

// #NM: the current thread touched the FPU; save the owner's state, load ours.
// The owner always has fpu_live, and TS is clear only while a thread with it runs: the owner,
// or one that owned it until fpu_forget (switch.hh, fpu_switch_direct).
void fpu_trap(Thread *cur) {
  asm volatile("clts");
  fpu_ts = false;
  cur->arch.fpu_live = 1;
  if (fpu_owner == cur) return;
  if (fpu_owner) {
    asm volatile("fxsave %0" : "=m"(fpu_owner->arch.fpu_state));
    fpu_owner->arch.fpu_valid = true;
    fpu_owner->arch.fpu_live = 0;
  }
  if (cur->arch.fpu_valid) asm volatile("fxrstor %0" ::"m"(cur->arch.fpu_state));
  else asm volatile("fninit");
  fpu_owner = cur;
}

} // namespace kern::arch
