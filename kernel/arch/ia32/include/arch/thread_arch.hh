// ia32 thread state: the user register frame at the top of the kernel stack, the saved kernel
// stack pointer, and the lazily switched FPU state.
#pragma once
#include "lib/types.hh"

// Functions entry.S calls with the frame pointer: it passes it in eax (regparm(1)).
#define ARCH_ASM_ENTRY __attribute__((regparm(1)))
// Two arguments in registers, for the IPC fast path's out-of-line helpers (sched/scheduler.hh).
#define ARCH_REGS2 __attribute__((regparm(2)))

namespace kern {
class Thread;
}

namespace kern::arch {

// Layout pushed by entry.S: pushal, vector, error code, then what the CPU pushed.
struct UserFrame {
  word edi, esi, ebp, esp0, ebx, edx, ecx, eax;
  word vector, error;
  word eip, cs, eflags, esp, ss;

  // A mix of the user state the program can change (general registers, IP, SP, flags): equal at
  // two ticks when the thread made no progress in between (perfmon's ustate_same).
  word state_hash() const {
    const word regs[] = {edi, esi, ebp, ebx, edx, ecx, eax, eflags, esp};
    word h = eip;
    for (word w : regs) h = (h ^ w) * 0x9e3779b1u + (h >> 15);
    return h;
  }

  // The system-call ABI: argument and result registers.
  word arg(unsigned i) const {
    switch (i) { case 0: return ebx; case 1: return ecx; case 2: return edx;
                 case 3: return esi; case 4: return edi; default: return ebp; }
  }
  void set_result(unsigned i, word v) {
    switch (i) { case 0: ebx = v; break; case 1: ecx = v; break; case 2: edx = v; break;
                 case 3: esi = v; break; default: edi = v; break; }
  }
  word syscall_nr() const { return eax; }
  void set_status(Status s) { eax = word(s); }
  // MR0..MR2 travel in esi, edi, ebp.
  word mr(unsigned i) const { return i == 0 ? esi : i == 1 ? edi : ebp; }
  void set_mr(unsigned i, word v) { if (i == 0) esi = v; else if (i == 1) edi = v; else ebp = v; }
  void set_badge(word b) { ebx = b; }
  word ip() const { return eip; }
  word sp() const { return esp; }
  word flags() const { return eflags; }
  void set_ip(word v) { eip = v; }
  void set_sp(word v) { esp = v; }
  // Users may change only the arithmetic flags, direction and trap flags.
  void set_user_flags(word v) { eflags = (eflags & ~0xcd5u) | (v & 0xcd5u); }
  bool from_user() const { return (cs & 3) == 3; }
  // The first argument register of a fresh thread (the boot-information address).
  void set_start_arg(word v) { eax = v; }
};
static_assert(sizeof(UserFrame) == 15 * 4, "entry.S pushes 15 words");
static_assert(__builtin_offsetof(UserFrame, cs) == 44, "entry.S tests the saved cs at 44(%esp)");

struct ThreadArch {
  word ksp = 0;                          // kernel stack pointer while switched out
  uint64_t utcb_desc = 0;                // GDT descriptor of its UTCB (%gs), made at bind time
  // It owns the FPU, or did (switch.hh, fpu_switch_direct). A word, so that the fast path's
  // test of two threads is one OR, not two tests of a bool.
  word fpu_live = 0;
  bool fpu_valid = false;                // fpu_state holds this thread's FPU registers
  alignas(16) uint8_t fpu_state[512];    // fxsave area
};

// The thread's control block is page aligned and its kernel stack ends at the page's end.
// The CPU pushes the frame at TSS.esp0: the very end of the thread's page.
constexpr word kstack_pad = 0;

inline UserFrame *user_frame_of(Thread *t) {
  return reinterpret_cast<UserFrame *>(reinterpret_cast<word>(t) + page_size - sizeof(UserFrame));
}
// The thread whose frame f is: a frame from user mode is the top of its kernel stack.
inline Thread *thread_of_frame(UserFrame *f) {
  return reinterpret_cast<Thread *>(reinterpret_cast<word>(f) + sizeof(UserFrame) - page_size);
}
void init_user_thread(Thread *t);                  // fresh frame, returns to user on first run
void init_kernel_thread(Thread *t, void (*entry)());
extern Thread *fpu_owner;
extern bool fpu_ts;   // CR0.TS as last written
void fpu_forget(Thread *t);                         // the thread is going away
void thread_bound(Thread *t);                       // t got its UTCB


} // namespace kern::arch

extern "C" void arch_switch(kern::word *save_sp, kern::word new_sp);
extern "C" [[noreturn]] void arch_jump(kern::word new_sp);
