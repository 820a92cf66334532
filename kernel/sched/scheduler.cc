#include "sched/scheduler.hh"
#include "arch/cpu.hh"
#include "ipc/ipc.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"
#include "platform/platform.hh"
#include "sched/ready_queue.hh"

namespace kern::sched {

ReadyQueues<Thread, &Thread::sched_link> ready;
Thread *idle;
bool slice_over;

namespace {
Queue<Thread, &Thread::timeout_link> timeouts;   // sorted by wakeup tick
word now;

// Run the best ready thread; the current one has been queued already if it may run again.
void schedule() {
  Thread *cur = Thread::current();
  Thread *next = ready.highest();
  if (next) ready.remove(next, next->prio);
  else next = idle;
  dispatch(cur, next);
}
} // namespace

void init(Thread *idle_thread) { idle = idle_thread; }
Thread *idle_thread() { return idle; }
word ticks() { return now; }

void make_ready(Thread *t) {
  t->state = Thread::State::ready;
  if (t->halted || t == Thread::current() || t->sched_link.linked()) return;
  ready.enqueue(t, t->prio);
}

void remove(Thread *t) {
  if (t->state == Thread::State::ready && t->sched_link.linked()) ready.remove(t, t->prio);
  timeout_cancel(t);
}

void block() { schedule(); }

// Strictly above every ready thread: exactly the choice schedule() would make (a thread of the
// same priority queued before next would run first), so the slow path's order of threads does
// not change; the fast path's rule (ipc/fastpath.cc) lets an equal priority go first.
void handoff(Thread *cur, Thread *next) {
  next->state = Thread::State::ready;
  if (likely(!next->halted && next != cur && !next->sched_link.linked() &&
             int(next->prio) > ready.highest_prio()))
    return dispatch(cur, next);
  make_ready(next);
  schedule();
}

void preempt_slow() {
  Thread *cur = Thread::current();
  if (cur == idle) {
    if (!ready.empty()) schedule();
    return;
  }
  if (!cur->runnable()) {   // halted or dead: it must not return to user mode
    schedule();
    return;
  }
  int hp = ready.highest_prio();
  if (hp > int(cur->prio)) {
    ready.enqueue(cur, cur->prio, true);    // preempted: keeps its place and slice
    schedule();
  } else if (slice_over && hp == int(cur->prio)) {
    slice_over = false;
    ready.enqueue(cur, cur->prio);          // slice used up: back of the line
    schedule();
  }
  slice_over = false;
}

void yield() {
  Thread *cur = Thread::current();
  if (ready.highest_prio() >= int(cur->prio)) {
    cur->slice_left = cur->timeslice;
    ready.enqueue(cur, cur->prio);
    schedule();
  }
}

void tick(const arch::UserFrame *uf) {
  ++now;
  while (Thread *t = timeouts.front()) {
    if (t->wakeup > now) break;
    timeout_cancel(t);
    ipc::abort(t, Status::timeout);
  }
  Thread *cur = Thread::current();
  if (cur == idle) return;
  perf::tick(cur, uf);
  if (cur->slice_left > 1) {
    --cur->slice_left;
  } else {
    cur->slice_left = cur->timeslice;
    slice_over = true;
  }
}

void timeout_start(Thread *t, word ms) {
  timeout_cancel(t);
  word ticks_needed = (ms + platform::tick_ms - 1) / platform::tick_ms;
  // +1: the current tick is partly over; never wake early.
  t->wakeup = now + ticks_needed + 1;
  t->in_timeout = true;
  Thread *pos = timeouts.front();
  while (pos && pos->wakeup <= t->wakeup) pos = timeouts.next_of(pos);
  timeouts.insert_before(pos, t);
}

void timeout_cancel(Thread *t) {
  if (!t->in_timeout) return;
  timeouts.remove(t);
  t->in_timeout = false;
}

} // namespace kern::sched
