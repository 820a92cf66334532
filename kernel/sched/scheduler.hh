// The scheduler: fixed priorities 0..255, round robin with a per-thread time slice within a
// priority, and the timeout list for blocking IPC. The running thread is never in a ready queue.
#pragma once
#include "object/thread.hh"
#include "sched/ready_queue.hh"

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
// Direct switch to `to` (the IPC fast path): the current thread is blocked already.
void switch_direct(Thread *to);
inline int highest_ready_prio() { return ready.highest_prio(); }

void tick(word user_pc);
word ticks();
// Wake t with Status::timeout after ms milliseconds (unless cancelled first).
void timeout_start(Thread *t, word ms);
void timeout_cancel(Thread *t);

} // namespace kern::sched
