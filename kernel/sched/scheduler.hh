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
inline void leave(Thread *cur, Thread *next) {
  if (unlikely(cur->perf.active | next->perf.active)) {
    if (cur->perf.active) perf::switch_out(cur);
    if (next->perf.hw) perf::switch_in(next);
  }
  Space *s = next->space;
  if (s && s != cur->space) {
    // cr3 always holds the space of the running user thread (or any space while idle).
    arch::pd_load(s->pd);
    if (unlikely(s->io.any() || arch::io_bitmap_live())) s->io.load();
  }
}

inline void dispatch(Thread *cur, Thread *next) {
  if (next == cur) return;
  leave(cur, next);
  arch::switch_to(cur, next);
}

// The IPC fast path's switch: the current thread has blocked at its user exit, so its kernel
// stack is abandoned and `to` continues wherever it stopped.
[[noreturn]] __attribute__((always_inline)) inline void switch_direct(Thread *to) {
  Thread *cur = Thread::current();
  to->state = Thread::State::ready;
  arch::block_at_user_exit(cur);
  leave(cur, to);
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
