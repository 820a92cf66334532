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
constexpr word tick_ms = 50;   // how often the watched servers are looked at
word last_tick;
bool any_watched;              // as of the last watch_timeout_ms(): the loop's fast path
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
  any_watched = false;
  for (unsigned i = 0; i < n && !any_watched; ++i)
    any_watched = t[i].pid && (bound_of(&t[i]) || renews(&t[i]));
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
  for (unsigned i = 0; i < n; ++i) {
    if (!t[i].pid) continue;
    // A server being renewed (or restarted for another reason) takes no messages for a while:
    // that is no hang.
    if (renew_tick(&t[i], now)) t[i].watch_alive = now;
    else look_at(&t[i], now);
    if (restarted_one) break;
  }
  // Once one hung server is restarted, every other gets a new bound: one waiting for it (ext2
  // calling a hung disk driver) is not hung itself, and answers once its call is replayed. A
  // server that is hung on its own is found a bound later.
  if (restarted_one)
    for (unsigned i = 0; i < n; ++i) t[i].watch_alive = now;
  for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i];
}

} // namespace rt
