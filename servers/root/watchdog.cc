#include "watchdog.hh"
#include "monitor.hh"
#include "renew.hh"
#include "restart.hh"
#include <arc/server.hh>
#include <arc/sys.hh>

namespace rt {

using namespace arc;

namespace {
// The perfmon counter of a watched thread that counts the requests it takes (the kernel keeps
// four per thread; servers do not use this one). Requests, not every message received: replies
// to its own calls would make a server that loops calling others, and never serves, look alive
// (found by fault injection: ext2 retrying its disk connection for ever).
constexpr unsigned watch_counter = 3;
// The counter of every process's thread that counts the messages it sent: a call in progress
// that was also in progress a tick ago is the same call only if the count did not move.
constexpr unsigned call_counter = 2;
constexpr word tick_ms = 50;   // how often the watched servers are looked at
word last_tick;
bool any_watched;              // as of the last watch_timeout_ms(): the loop's fast path
bool any_deadline;             // ... and whether any server has a request deadline
word watched_generation = ~word(0);   // process_generation any_watched was computed for

word bound_of(const Process *p) {
  if (!p->config || p->state != arc::root::PState::running || !p->service) return 0;
  const word hb = p->config->heartbeat_ms, dl = p->config->deadline_ms;
  return hb && dl ? (hb < dl ? hb : dl) : hb ? hb : dl;
}

// Whether look_at restarted a hung server this tick.
bool restarted_one;

void look_at(Process *p, word now) {
  const word bound = bound_of(p);
  if (!bound) return;
  if (p->watched_thread != p->thread) {   // new, or a new thread after a warm restart
    (void)perfmon(p->thread, PerfOp::config, watch_counter, event::ipc_request);
    p->watched_thread = p->thread;
    p->watch_received = 0;
    p->watch_alive = now;
    return;
  }
  const Result r = perfmon(p->thread, PerfOp::read, watch_counter);
  if (r.ok() && r.r[0] != p->watch_received) {   // it received something since we looked
    p->watch_received = r.r[0];
    p->watch_alive = now;
    return;
  }
  if (knock(p)) {
    p->watch_received += 1;   // our heartbeat
    p->watch_alive = now;
    return;
  }
  if (now - p->watch_alive <= bound) return;
  // In a call of its own, waiting for the reply (ext2 calling a hung disk driver) or still
  // waiting to send it (ext2 printing to a console that loops and never receives; found by the
  // chaos scenario, which hung the console while ext2 wrote a line): the server it called is the
  // one to blame, and if it is watched its own bound finds it; its restart replays the call and
  // this one goes on. Only twice the bound makes this one hung too (two servers waiting for
  // each other).
  const ThreadState ts = thread_state(p->thread);
  if (now - p->watch_alive <= 2 * bound &&
      (ts == ThreadState::wait_reply || ts == ThreadState::send_blocked))
    return;
  const word ip = exchange_registers(p->thread, 0).r[0];
  printf("[monitor] %s (pid %lu): no message taken for %lu ms (bound %lu ms): hung\n", p->name,
         p->pid, now - p->watch_alive, bound);
  p->watch_alive = now;
  const Decision d = monitor_decide(p, arc::root::Cause::hang, 0, ip);
  carry_out(p, d.action);
  restarted_one = true;
}

// Request deadlines. A server with deadline= may still take heartbeats while a request it took
// goes unanswered: a disk driver that parked its caller's reply right to answer at the
// interrupt, and lost it (found by fault injection: PATA mutations left ext2 waiting for ever
// on a driver that looked alive; the deadline found 12 of them). So the callers are watched too: one
// that has waited in the same call for longer than the callee's deadline while the callee sits
// idle waiting for messages convicts the callee. A callee that is busy is its own watch's
// business (it takes no heartbeat); one that is itself waiting for a reply passes the blame on,
// since it is a caller too. Servers that park requests for unbounded times (a console read
// waiting for a key) have no deadline=, only heartbeat=.
Process *process_of_space(word space_id) {
  unsigned n;
  Process *t = process_table(&n);
  for (unsigned i = 0; i < n; ++i) {
    if (!t[i].pid || t[i].state != arc::root::PState::running) continue;
    const Result r = syscall(Sys::thread_ctl, t[i].thread, word(ThreadOp::info));
    if (r.ok() && r.r[2] == space_id) return &t[i];
  }
  return nullptr;
}

void look_at_call(Process *p, word now) {
  if (p->state != arc::root::PState::running || !p->thread) return;
  if (p->call_thread != p->thread) {
    (void)perfmon(p->thread, PerfOp::config, call_counter, event::ipc_sent);
    p->call_thread = p->thread;
    p->call_space = 0;
    return;
  }
  const Result info = syscall(Sys::thread_ctl, p->thread, word(ThreadOp::info));
  const word space = info.ok() && ThreadState(info.r[0]) == ThreadState::wait_reply ? info.r[3] : 0;
  if (!space) {
    p->call_space = 0;
    return;
  }
  const Result c = perfmon(p->thread, PerfOp::read, call_counter);
  const word sent = c.ok() ? c.r[0] : 0;
  if (space != p->call_space || sent != p->call_sent) {   // a call we had not seen
    p->call_space = space;
    p->call_sent = sent;
    p->call_since = now;
    Process *q = process_of_space(space);   // once per call, not at every tick
    p->call_callee = q && q != p && q->config && q->config->deadline_ms ? q->pid : 0;
    return;
  }
  Process *q = p->call_callee ? process_by_pid(p->call_callee) : nullptr;
  if (!q || q->state != arc::root::PState::running || !q->service) return;
  const word waited = now - p->call_since;
  if (waited <= q->config->deadline_ms || thread_state(q->thread) != ThreadState::recv_blocked)
    return;
  const word ip = exchange_registers(q->thread, 0).r[0];
  printf("[monitor] %s (pid %lu): a request of %s (pid %lu) unanswered for %lu ms (deadline %lu ms): "
         "hung\n", q->name, q->pid, p->name, p->pid, waited, word(q->config->deadline_ms));
  p->call_since = now;
  q->watch_alive = now;
  const Decision d = monitor_decide(q, arc::root::Cause::hang, 0, ip);
  carry_out(q, d.action);
  restarted_one = true;
}
} // namespace

ThreadState thread_state(CapSlot thread) {
  const Result r = syscall(Sys::thread_ctl, thread, word(ThreadOp::info));
  return r.ok() ? ThreadState(r.r[0]) : ThreadState::dead;
}

bool knock(Process *p) {
  Utcb *u = utcb();
  u->mr[0] = Tag(server_label::heartbeat, 0, 0).raw;
  return ipc_raw(ipc::send, p->service, 0, ipc::timeouts(0, 0), nullptr) == Status::ok;
}

word now_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.r[0] * (r.r[1] ? r.r[1] : 1);
}

word watch_timeout_ms() {
  if (watched_generation == process_generation) return any_watched ? tick_ms : 0;
  watched_generation = process_generation;
  unsigned n;
  Process *t = process_table(&n);
  any_watched = any_deadline = false;
  for (unsigned i = 0; i < n; ++i) {
    any_watched |= t[i].pid && (bound_of(&t[i]) || renews(&t[i]) || checkpoints(&t[i]));
    any_deadline |= t[i].pid && t[i].config && t[i].config->deadline_ms;
  }
  return any_watched ? tick_ms : 0;
}

void watch_tick(bool timed_out) {
  if (!any_watched) return;   // nothing to look at: no clock read on the message path
  const word now = now_ms();
  if (!timed_out && now - last_tick < tick_ms) return;
  last_tick = now;
  Utcb *u = utcb();
  word saved[mr_count];
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = u->mr[i];
  unsigned n;
  Process *t = process_table(&n);
  restarted_one = false;
  // The callers first: the heartbeats below leave a server ready to take them, not idle, until
  // it runs after this tick.
  for (unsigned i = 0; i < n && any_deadline && !restarted_one; ++i)
    if (t[i].pid) look_at_call(&t[i], now);
  for (unsigned i = 0; i < n && !restarted_one; ++i) {
    if (!t[i].pid) continue;
    checkpoint_tick(&t[i], now);
    // A server being renewed (or restarted for another reason) takes no messages for a while:
    // that is no hang.
    if (renew_tick(&t[i], now)) t[i].watch_alive = now;
    else look_at(&t[i], now);
  }
  // Once one hung server is restarted, every other gets a new bound: one waiting for it (ext2
  // calling a hung disk driver) is not hung itself, and answers once its call is replayed. A
  // server that is hung on its own is found a bound later.
  if (restarted_one)
    for (unsigned i = 0; i < n; ++i) t[i].watch_alive = now;
  for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i];
}

} // namespace rt
