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
    if (unlikely(s->io.any() || arch::io_bitmap_live())) s->io.load();
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

// The IPC fast path's switch: the current thread has blocked at its user exit, so its kernel
// stack is abandoned; `to`, whose IPC ends with status ok and `badge`, continues where it
// stopped. When it blocked at its user exit too (the fast path's own partners), that is user
// mode: its frame gets the outcome and the CPU leaves the kernel through it at once; else its
// kernel stack resumes (ipc_fast_resume or the slow path) and reads the outcome from the thread.
// count_events() counts the IPC's perfmon software events; it runs only when either thread has
// perfmon counters, which the switch tests anyway.
template <class CountEvents>
[[noreturn]] __attribute__((always_inline)) inline void switch_direct(Thread *to, word badge,
                                                                      CountEvents count_events) {
  Thread *cur = Thread::current();
  to->state = Thread::State::ready;
  arch::block_at_user_exit(cur);
  if (unlikely(cur->perf.active | to->perf.active)) {
    count_events();
    leave_perf(cur, to);
  }
  leave_space(cur, to);
  if (likely(arch::blocked_at_user_exit(to))) {
    arch::UserFrame *f = to->frame();
    f->set_status(Status::ok);
    f->set_badge(badge);
    arch::resume_user(to);
  }
  to->ipc_status = Status::ok;
  to->ipc_badge = badge;
  arch::jump_to(to);
}
inline int highest_ready_prio() { return ready.highest_prio(); }

// The timer interrupt; uf: the interrupted user frame, null when it came in kernel mode.
void tick(const arch::UserFrame *uf);
word ticks();
// Wake t with Status::timeout after ms milliseconds (unless cancelled first).
void timeout_start(Thread *t, word ms);
void timeout_cancel(Thread *t);

} // namespace kern::sched
