// The armv7 part of a context switch, inline for the IPC fast path: the next UTCB's address in
// TPIDRURO, then the kernel stack swap (the SVC stack pointer is the thread's, so no per-CPU
// kernel-stack register needs updating as on ia32).
#pragma once
#include "arch/cpu.hh"
#include "object/thread.hh"

extern "C" void arch_switch(kern::word *save_sp, kern::word new_sp);
extern "C" [[noreturn]] void arch_jump(kern::word new_sp);

namespace kern::arch {

// See ia32's: ARM has registers enough, and addressing a global costs two instructions.
constexpr bool few_registers = false;

// Everything but the stack swap. `user`: the caller knows `to` is a user thread.
__attribute__((always_inline)) inline void prepare_switch(Thread *to, bool user = false) {
  if (user || to->is_user()) ARC_CP15_WRITE(c13, 0, c0, 3, to->utcb_user);   // TPIDRURO
}

// No FPU state (thread_arch.hh): nothing to switch.
inline void fpu_switch_direct(const Thread *, Thread *) {}

// A thread blocking in the IPC fast path keeps nothing on its kernel stack: when it runs again
// it only finishes its system call (ipc_fast_resume) and returns to user mode (entry.S).
inline void block_at_user_exit(Thread *t) {
  t->arch.ksp = reinterpret_cast<word>(user_frame_of(t)) | 1;
}

inline bool blocked_at_user_exit(const Thread *t) { return t->arch.ksp & 1; }

inline void switch_to(Thread *from, Thread *to) {
  prepare_switch(to);
  arch_switch(&from->arch.ksp, to->arch.ksp);
}

[[noreturn]] __attribute__((always_inline)) inline void jump_to(Thread *to) {
  prepare_switch(to, true);
  arch_jump(to->arch.ksp);
}

// `to` blocked at its user exit and its frame holds its outcome: leave the kernel through that
// frame without touching its kernel stack otherwise. The instructions of entry.S's user_return,
// here to spare the branch on the fast path.
[[noreturn]] __attribute__((always_inline)) inline void resume_user(Thread *to) {
  prepare_switch(to, true);
  asm volatile("mov sp, %0\n\t"
               "ldmia sp, {r0-lr}^\n\t"
               "clrex\n\t"
               "add sp, sp, #64\n\t"
               "rfeia sp!"
               : : "r"(user_frame_of(to)) : "memory");
  __builtin_unreachable();
}

} // namespace kern::arch
