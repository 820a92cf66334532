// armv7 thread state: the register frame at the top of the kernel stack (SVC mode) and the saved
// kernel stack pointer. No FPU state: user code is built soft-float and VFP stays disabled.
#pragma once
#include "lib/types.hh"

// Functions entry.S calls with the frame pointer: AAPCS passes it in r0 already.
#define ARCH_ASM_ENTRY
// Two arguments in registers, for the IPC fast path's out-of-line helpers (sched/scheduler.hh).
#define ARCH_REGS2

namespace kern {
class Thread;
}

namespace kern::arch {

// Layout built by entry.S: r0..r12, the user-mode sp and lr (banked), the SVC lr of an
// interrupted kernel context, then pc and cpsr as SRS stores them.
struct UserFrame {
  word r[13];
  word sp_usr, lr_usr;
  word lr_svc;
  word pc, cpsr;

  // A mix of the user state the program can change (general registers, PC, SP, LR, CPSR): equal
  // at two ticks when the thread made no progress in between (perfmon's ustate_same).
  word state_hash() const {
    const word more[] = {sp_usr, lr_usr, cpsr};
    word h = pc;
    for (word w : r) h = (h ^ w) * 0x9e3779b1u + (h >> 15);
    for (word w : more) h = (h ^ w) * 0x9e3779b1u + (h >> 15);
    return h;
  }

  // The system-call ABI (docs/kernel-abi.md): r0 = number | flags in, status out; arguments
  // a0..a5 in r1..r6, results r0..r4 in r1..r5.
  word arg(unsigned i) const { return r[1 + i]; }
  void set_result(unsigned i, word v) { r[1 + i] = v; }
  word syscall_nr() const { return r[0]; }
  void set_status(Status s) { r[0] = word(s); }
  // IPC: MR0..MR2 in r4..r6 both ways, the badge in r1.
  word mr(unsigned i) const { return r[4 + i]; }
  void set_mr(unsigned i, word v) { r[4 + i] = v; }
  void set_badge(word b) { r[1] = b; }
  word ip() const { return pc; }
  word sp() const { return sp_usr; }
  word flags() const { return cpsr; }
  // Bit 0 of an IP selects Thumb state, as with BX.
  void set_ip(word v) {
    pc = v & ~word(1);
    cpsr = (v & 1) ? (cpsr | thumb_bit) : (cpsr & ~thumb_bit);
  }
  void set_sp(word v) { sp_usr = v; }
  // Users may change the condition flags (N Z C V Q) and GE bits only.
  void set_user_flags(word v) { cpsr = (cpsr & ~user_flags) | (v & user_flags); }
  bool from_user() const { return (cpsr & 0x1f) == 0x10; }
  void set_start_arg(word v) { r[0] = v; }

  static constexpr word thumb_bit = 1u << 5;
  static constexpr word user_flags = 0xf80f0000;
};
static_assert(sizeof(UserFrame) == 18 * 4, "entry.S builds 18 words");
static_assert(__builtin_offsetof(UserFrame, sp_usr) == 52, "entry.S stores sp/lr^ at 52");
static_assert(__builtin_offsetof(UserFrame, lr_svc) == 60, "entry.S stores lr_svc at 60");
static_assert(__builtin_offsetof(UserFrame, pc) == 64, "SRS stores pc, cpsr at 64");

struct ThreadArch {
  word ksp = 0;   // kernel stack pointer while switched out
};

// The kernel stack's top lies this far below the end of the thread's page, so that the user
// frame at the top sits at offset 0xfb0 of the page: an ARM immediate (0xfb rotated), where
// 0xfb8 is not. Thread and frame are then one add or subtract apart, which the IPC fast path
// pays four times a round trip.
constexpr word kstack_pad = 8;
constexpr word frame_offset = page_size - kstack_pad - sizeof(UserFrame);
static_assert(frame_offset == 0xfb0, "an ARM data-processing immediate");

inline UserFrame *user_frame_of(Thread *t) {
  return reinterpret_cast<UserFrame *>(reinterpret_cast<word>(t) + frame_offset);
}
// The thread whose frame f is: a frame from user mode is the top of its kernel stack.
inline Thread *thread_of_frame(UserFrame *f) {
  return reinterpret_cast<Thread *>(reinterpret_cast<word>(f) - frame_offset);
}
void init_user_thread(Thread *t);
void init_kernel_thread(Thread *t, void (*entry)());
inline void fpu_forget(Thread *) {}
inline void thread_bound(Thread *) {}

} // namespace kern::arch
