// The scheduler: fixed priorities 0..255, round robin with a per-thread time slice within a
// priority, and the timeout list for blocking IPC. The running thread is never in a ready queue.
#pragma once
#include "object/space.hh"
#include "object/thread.hh"
#include "perfmon/perfmon.hh"
#include "sched/ready_queue.hh"
#include "arch/switch.hh"

namespace kern::sched {

extern ReadyQueues<Thread, &Thread::sched_link> ready;
extern Thread *idle;
extern bool slice_over;

void init(Thread *idle);
Thread *idle_thread();

// t may run (again). Halted threads are remembered as ready but not queued.
void make_ready(Thread *t);
// Take t off the ready queue and the timeout list, whatever its state.
void remove(Thread *t);
// The current thread stops running (its state says why); returns when it runs again.
void block();
// The same, right after cur gave `next` what it waited for (next's outcome is set; it is not in
// the ready queue yet): when next outranks every ready thread, it runs at once, without the
// queue's insert, search and removal (the slow path's IPC round trips, a page fault's two
// among them); else it is queued and the best ready thread runs, as block() would.
void handoff(Thread *cur, Thread *next);
// Switch to the best ready thread if it should run before the current one, or if the current
// one cannot run any more. Called on every way out of the kernel.
void preempt_slow();
inline void preempt_point() {
  Thread *cur = Thread::current();
  if (likely(!slice_over && cur->runnable() && cur != idle && ready.highest_prio() <= int(cur->prio)))
    return;
  preempt_slow();
}
void yield();

// Switch the CPU from cur to next. This runs on every IPC round trip: the common case (no
// counters, no I/O ports) is a few tests and the architecture's switch.
inline void leave_perf(Thread *cur, Thread *next) {
  if (cur->perf.active) perf::switch_out(cur);
  if (next->perf.hw) perf::switch_in(next);
}
inline void leave_space(Thread *cur, Thread *next) {
  Space *s = next->space;
  if (s && s != cur->space) {
    // cr3 always holds the space of the running user thread (or any space while idle).
    arch::pd_load(s->pd);
    if (unlikely(s->io.switch_loads())) s->io.load();
  }
}
inline void leave(Thread *cur, Thread *next) {
  if (unlikely(cur->perf.active | next->perf.active)) leave_perf(cur, next);
  leave_space(cur, next);
}

inline void dispatch(Thread *cur, Thread *next) {
  if (next == cur) return;
  leave(cur, next);
  arch::switch_to(cur, next);
}

// The IPC fast path's switch: the current thread `cur` has blocked at its user exit, so its
// kernel stack is abandoned; `to`, whose IPC ends with status ok and `badge`, continues where it
// stopped. When it blocked at its user exit too (the fast path's own partners), that is user
// mode: its frame gets the outcome and the CPU leaves the kernel through it at once; else its
// kernel stack resumes (ipc_fast_resume or the slow path) and reads the outcome from the thread.
// Count(cur, to) counts the IPC's perfmon software events; it runs only when either thread has
// perfmon counters, which the switch tests anyway.
//
// None of these returns. The cases the fast path's partners do not take are out of line and
// reached by tail calls: the functions are not declared noreturn, since the compiler calls a
// noreturn function with a return address (ARM: lr saved on the stack for it) rather than jumping
// to it; the callers return what they call, in tail position, and nothing follows.

// The partner blocked at its user exit: it leaves the kernel at once.
__attribute__((always_inline)) inline void switch_direct_user(Thread *to, word badge) {
  arch::UserFrame *f = to->frame();
  f->set_status(Status::ok);
  f->set_badge(badge);
  arch::resume_user(to);
}
// The out-of-line ones are static: the fast path's file is compiled with another register
// convention (kernel/CMakeLists.txt), so no copy of its must be shared with other files.
//
// Its kernel stack resumes (out of line, like every case the fast path's partners do not take).
__attribute__((noipa)) ARCH_REGS2 static inline void switch_direct_kernel(Thread *to, word badge) {
  to->ipc_status = Status::ok;
  to->ipc_badge = badge;
  arch::context_sync();   // its kernel code may touch its user memory before it returns
  arch::jump_to(to);
}
__attribute__((always_inline)) inline void switch_direct_to(Thread *to, word badge) {
  if (unlikely(!arch::blocked_at_user_exit(to))) return switch_direct_kernel(to, badge);
  switch_direct_user(to, badge);
}
// The partner's space has I/O ports, or ours had: the TSS's bitmap changes.
__attribute__((noipa)) ARCH_REGS2 static inline void switch_direct_io(Thread *to, word badge) {
  to->space->io.load();
  return switch_direct_to(to, badge);
}
__attribute__((always_inline)) inline void switch_direct_end(Thread *cur, Thread *to, word badge) {
  // leave_space, with the space loaded for an exception return (ARM: the return synchronises).
  // `to` has a space: the fast path's partners are user threads (kernel threads make no IPC).
  arch::fpu_switch_direct(cur, to);
  Space *s = to->space;
  if (s != cur->space) {
    arch::pd_load_before_return(s->pd);
    if (unlikely(s->io.switch_loads())) return switch_direct_io(to, badge);
  }
  return switch_direct_to(to, badge);
}
// With perfmon counters: out of line, so that the common case makes no call that returns (the
// fast path then keeps nothing on the stack). Count(cur, to) counts the IPC's software events.
template <void (*Count)(Thread *, Thread *)>
__attribute__((noipa)) static void switch_direct_counted(Thread *cur, Thread *to, word badge) {
  Count(cur, to);
  leave_perf(cur, to);
  return switch_direct_end(cur, to, badge);
}
template <void (*Count)(Thread *, Thread *)>
__attribute__((always_inline)) inline void switch_direct(Thread *cur, Thread *to, word badge) {
  to->state = Thread::State::ready;
  arch::block_at_user_exit(cur);
  if (unlikely((!arch::few_registers || perf::active_threads) &&
               (cur->perf.active | to->perf.active)))
    return switch_direct_counted<Count>(cur, to, badge);
  return switch_direct_end(cur, to, badge);
}
inline int highest_ready_prio() { return ready.highest_prio(); }

// The timer interrupt; uf: the interrupted user frame, null when it came in kernel mode.
void tick(const arch::UserFrame *uf);
word ticks();
// Wake t with Status::timeout after ms milliseconds (unless cancelled first).
void timeout_start(Thread *t, word ms);
void timeout_cancel(Thread *t);

} // namespace kern::sched
