// The ia32 part of a context switch, inline for the IPC fast path: kernel stack for the next
// entry, the %gs descriptor of the next UTCB, the lazy-FPU trap bit, then the stack swap.
#pragma once
#include "arch/cpu.hh"
#include "object/thread.hh"

namespace kern::arch {

// ia32 has seven general registers: the IPC fast path keeps work its common case does not do
// out of line, and tests one global before two threads' fields (ipc/fastpath.cc,
// sched/scheduler.hh). On ARM a global costs two more instructions to address, and registers
// are plenty.
constexpr bool few_registers = true;

// Lazy FPU: CR0.TS is set whenever the running thread does not own the FPU, so its first FPU
// instruction traps (fpu_trap). fpu_ts mirrors CR0.TS to spare reading the control register.
__attribute__((always_inline)) inline void set_fpu_trap(Thread *to) {
  const bool want = to != fpu_owner;
  if (unlikely(want != fpu_ts)) {
    word cr0;
    asm volatile("mov %%cr0, %0" : "=r"(cr0));
    asm volatile("mov %0, %%cr0" ::"r"(want ? cr0 | 8u : cr0 & ~8u));
    fpu_ts = want;
  }
}

// The IPC fast path's switch from cur to `to`: CR0.TS can change only if one of them has
// ThreadArch::fpu_live (the owner has it, and TS is clear only while a thread with it runs), so
// one OR of two bytes stands for set_fpu_trap's two globals in the common case.
__attribute__((always_inline)) inline void fpu_switch_direct(const Thread *cur, Thread *to) {
  if (unlikely(cur->arch.fpu_live | to->arch.fpu_live)) set_fpu_trap(to);
}

// Everything but the stack swap. `user`: the caller knows `to` is a user thread. `fpu`: false
// when fpu_switch_direct did the FPU's part.
__attribute__((always_inline)) inline void prepare_switch(Thread *to, bool user = false,
                                                          bool fpu = true) {
  set_kernel_stack(to->kstack_top());
  if (user || to->is_user()) set_utcb_segment(to->arch.utcb_desc);
  if (fpu) set_fpu_trap(to);
}

// A thread blocking in the IPC fast path keeps nothing on its kernel stack: when it runs again
// it only finishes its system call (ipc_fast_resume) and returns to user mode.
inline void block_at_user_exit(Thread *t) {
  t->arch.ksp = reinterpret_cast<word>(user_frame_of(t)) | 1;
}

inline bool blocked_at_user_exit(const Thread *t) { return t->arch.ksp & 1; }

inline void switch_to(Thread *from, Thread *to) {
  prepare_switch(to);
  arch_switch(&from->arch.ksp, to->arch.ksp);
}

// The current thread has blocked at its user exit (block_at_user_exit): leave its stack behind.
[[noreturn]] __attribute__((always_inline)) inline void jump_to(Thread *to) {
  prepare_switch(to, true);
  arch_jump(to->arch.ksp);
}

// `to` blocked at its user exit and its frame holds its outcome: leave the kernel through that
// frame without touching its kernel stack otherwise. The instructions of entry.S's
// syscall_return, here to spare the jump on the fast path.
// The FPU's part is fpu_switch_direct's, done before.
[[noreturn]] __attribute__((always_inline)) inline void resume_user(Thread *to) {
  prepare_switch(to, true, false);
  asm volatile("mov %0, %%esp\n\t"
               "mov $0x23, %%ax\n\t"     // UDATA: %ds, %es hold it already
               "mov %%ax, %%fs\n\t"
               "mov $0x33, %%ax\n\t"     // UTCB_SEL
               "mov %%ax, %%gs\n\t"
               "popal\n\t"
               "add $8, %%esp\n\t"
               "iret"
               : : "r"(user_frame_of(to)) : "memory");
  __builtin_unreachable();
}

} // namespace kern::arch
