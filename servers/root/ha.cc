#include "ha.hh"
#include "monitor.hh"
#include "restart.hh"
#include "watchdog.hh"
#include <arc/libc.h>
#include <arc/sys.hh>
#include <ha/ha.hh>
#include <string.h>

namespace rt {

using namespace arc;

namespace {

// A watched thread: a process's main thread (number 0, the process's own capability) or a helper
// thread it named (our copy of its capability). `restarts` and `thread` are the process's as of
// the watch: when either changes, the process was restarted, and the watch is made again (main
// thread) or ended (helpers: the program names them again when it starts).
struct Watched {
  word pid = 0;          // 0: free
  word number = 0;
  CapSlot slot = 0;      // helpers only: our capability
  CapSlot thread = 0;    // the process's main thread capability when watched
  word restarts = 0;
  word delayed_until = 0, last_delay = 0;   // a delay in progress (ms), and when the last began
  // Counts the watches made of this entry, and is part of the id the workers know it by: a
  // report about an earlier watch (the thread before a warm restart, found dead by a sample
  // taken before the workers had the new one) names an old id and is not taken for the new one.
  word generation = 0;
};
constexpr unsigned max_watched = 32;
Watched watched[max_watched];

Process *workers;        // the running HA workers (null: none)
word workers_restarts;   // theirs as of HA_start: a restart empties their table
bool started;
word last_pass;

// pid (below 0x10000, as every badge with it shows), thread number, and the watch's generation.
word id_of(const Watched &w) { return (w.generation & 0xff) << 24 | w.pid << 8 | w.number; }

ha::WatchParams params_of(const bootcfg::Server &c) {
  ha::WatchParams p;
  p.what = c.ha;   // the same bits (bootcfg::HaWatch, ha::What)
  p.period_ms = c.ha_period_ms;
  p.loop.beta = ha::one / 100 * c.ha_beta_pct;
  p.loop.limit = c.ha_limit_pct >= 100 ? ha::one : ha::one / 100 * c.ha_limit_pct;
  p.loop.samples = c.ha_samples;
  p.deadlock_ms = c.ha_deadlock_ms;
  return p;
}

CapSlot thread_of(const Watched &w, const Process *p) { return w.number ? w.slot : p->thread; }

void drop(Watched &w) {
  if (workers) (void)HA_unmonitor(id_of(w));
  if (w.slot) slot_free(w.slot);
  w = Watched{};
}

bool arm(Watched &w, Process *p) {
  // Helper threads are watched for death and loops only: the deadlock graph is made of the
  // threads that serve the processes' endpoints (their main threads), and a helper asleep would
  // make its space look alive to it.
  ha::WatchParams params = params_of(*p->config);
  if (w.number) params.what &= ~word(ha::watch_deadlock);
  // The watch of the thread before a restart ends (as far as the workers take it now: one they
  // keep reports under its old id, which we ignore), and the new one has a new id.
  if (w.thread && workers) (void)HA_unmonitor(id_of(w));
  ++w.generation;
  const Status st = HA_monitor(thread_of(w, p), id_of(w), params);
  if (st == Status::timeout) return false;   // the workers were busy: the next pass sends it again
  if (st != Status::ok) {
    printf("[ha] %s (pid %lu) thread %lu: the workers refused to watch it (status %lu)\n", p->name,
           p->pid, w.number, word(st));
    return false;
  }
  w.thread = p->thread;
  w.restarts = p->restarts;
  return true;
}

Watched *find(word pid, word number) {
  for (Watched &w : watched)
    if (w.pid == pid && w.number == number) return &w;
  return nullptr;
}

Watched *free_entry() {
  for (Watched &w : watched)
    if (!w.pid) return &w;
  return nullptr;
}

bool watchable(const Process *p) {
  return p && p->config && p->config->ha && p->state == arc::root::PState::running && p->thread;
}

// The workers came (or came back): they know nothing; every watch is made again.
void start_workers(Process *p) {
  if (started) (void)HA_stop();
  started = HA_start(p->service) == Status::ok;
  workers = started ? p : nullptr;
  workers_restarts = p->restarts;
  for (Watched &w : watched) w.thread = 0;   // made again below
}

} // namespace

bool ha_is_worker(const Process *p) { return p && !strcmp(p->program, "haworker"); }

word ha_timeout_ms() { return started || workers ? 20 : 0; }

void ha_tick() {
  // Looks for the workers only when the process table changed or every 20 ms.
  static word seen_generation = ~word(0);
  const bool table_changed = seen_generation != process_generation;
  if (!table_changed && !started) return;
  const word now = now_ms();
  if (!table_changed && now - last_pass < 20) return;
  seen_generation = process_generation;
  last_pass = now;
  // The loop calls us with a message in hand: what we send must not overwrite it.
  struct KeepMrs {
    Utcb *u = utcb();
    word saved[mr_count];
    KeepMrs() { for (unsigned i = 0; i < mr_count; ++i) saved[i] = u->mr[i]; }
    ~KeepMrs() { for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i]; }
  } keep;

  // The workers: found, restarted (their table is gone), or gone.
  unsigned n;
  Process *t = process_table(&n);
  Process *w_now = nullptr;
  for (unsigned i = 0; i < n; ++i)
    if (t[i].pid && ha_is_worker(&t[i]) && t[i].state == arc::root::PState::running && t[i].service)
      w_now = &t[i];
  if (w_now && (w_now != workers || w_now->restarts != workers_restarts)) start_workers(w_now);
  if (!w_now && workers) {
    printf("[ha] the workers are gone: nothing is watched until they run again\n");
    workers = nullptr;
    started = false;
    HA_stop();
  }
  if (!workers) return;

  // Every ha= server's main thread is watched.
  for (unsigned i = 0; i < n; ++i) {
    Process *p = &t[i];
    if (!p->pid || !watchable(p) || find(p->pid, 0)) continue;
    Watched *w = free_entry();
    if (!w) break;
    w->pid = p->pid;
    w->number = 0;
  }
  for (Watched &w : watched) {
    if (!w.pid) continue;
    Process *p = process_by_pid(w.pid);
    if (!watchable(p)) {   // gone, or stopped
      drop(w);
      continue;
    }
    if (w.delayed_until) {
      if (int(now - w.delayed_until) < 0) continue;
      (void)exchange_registers(thread_of(w, p), exregs::resume);
      printf("[ha] %s (pid %lu) thread %lu: delay over, it goes on\n", p->name, p->pid, w.number);
      w.delayed_until = 0;
      (void)HA_unmonitor(id_of(w));
      w.thread = 0;   // watched afresh, under a new id
    }
    if (monitor_restarting(p)) continue;   // a restart under way: watched again when done
    if (w.thread == p->thread && w.restarts == p->restarts) continue;
    if (w.number && w.thread) {   // a helper of an earlier run of the program
      drop(w);
      continue;
    }
    (void)arm(w, p);
  }
}

Status ha_watch_request(Process *caller, word number, CapSlot cap) {
  if (!caller->config || !(caller->config->ha & ~bootcfg::ha_deadlock)) return Status::not_supported;
  if (number < 1 || number > 255) return Status::invalid_arg;
  // Its own thread: bound to its space (the kernel's id of the caller's main thread's space).
  const Result mine = syscall(Sys::thread_ctl, caller->thread, word(ThreadOp::info));
  const Result its = syscall(Sys::thread_ctl, cap, word(ThreadOp::info));
  if (!mine.ok() || !its.ok() || its.r[2] != mine.r[2]) return Status::no_rights;
  Watched *w = find(caller->pid, number);
  if (w) drop(*w);
  w = free_entry();
  if (!w) return Status::no_memory;
  w->pid = caller->pid;
  w->number = number;
  w->slot = cap;
  // Armed now, or by the next pass of ha_tick if the workers are busy or not running yet.
  if (workers) (void)arm(*w, caller);
  return Status::ok;
}

Status ha_report(Process *caller, word failure, word id, word detail, word at_ms) {
  if (!workers || caller != workers) return Status::no_rights;
  const word pid = (id >> 8) & 0xffff, number = id & 0xff;
  Watched *w = find(pid, number);
  // About a watch that was made again since (a restart): not about the thread watched now.
  if (w && id != id_of(*w)) return Status::ok;
  Process *p = process_by_pid(pid);
  if (!w || !watchable(p)) return Status::invalid_arg;   // not ours (any more): they forget it
  // Of a thread from before the process's last restart, or of one whose new watch the workers
  // have not taken yet, or while a restart is under way: already acted on.
  if (monitor_restarting(p) || w->thread != p->thread || w->restarts != p->restarts || w->delayed_until)
    return Status::ok;
  const auto f = ha::Failure(failure);
  const auto cause = f == ha::Failure::dead       ? arc::root::Cause::dead_thread
                     : f == ha::Failure::deadlock ? arc::root::Cause::deadlock
                     : f == ha::Failure::loop     ? arc::root::Cause::loop
                                                  : arc::root::Cause(0);
  if (word(cause) == 0) return Status::invalid_arg;
  const word now = now_ms();
  // One printf, one line: the kernel console takes each call whole, and another task's line
  // must not land in the middle of this one (the scenarios match it).
  if (f == ha::Failure::deadlock)
    printf("[ha] %s (pid %lu) thread %lu: %s (a cycle of %lu), found at %lu ms\n", p->name, p->pid,
           number, ha::name_of(f), detail, at_ms);
  else if (f == ha::Failure::loop)
    printf("[ha] %s (pid %lu) thread %lu: %s (P %lu.%02lu), found at %lu ms\n", p->name, p->pid,
           number, ha::name_of(f), detail >> 16, ((detail & 0xffff) * 100) >> 16, at_ms);
  else
    printf("[ha] %s (pid %lu) thread %lu: %s, found at %lu ms\n", p->name, p->pid, number,
           ha::name_of(f), at_ms);
  const bootcfg::Server &c = *p->config;
  const CapSlot thread = thread_of(*w, p);
  // A delay holds the thread for a while (a livelock that time resolves); a thread found again
  // within ten delays of the last is restarted, as is a dead one (there is nothing to hold).
  if (c.ha_action == bootcfg::HaAction::delay && f != ha::Failure::dead &&
      !(w->last_delay && now - w->last_delay < 10 * c.ha_delay_ms)) {
    (void)exchange_registers(thread, exregs::halt);
    w->delayed_until = now + c.ha_delay_ms;
    w->last_delay = now;
    printf("[ha] %s (pid %lu) thread %lu: held for %lu ms\n", p->name, p->pid, number,
           word(c.ha_delay_ms));
    return Status::ok;
  }
  if (!c.nrestart) {
    printf("[ha] %s (pid %lu): no restart policy: left as it is\n", p->name, p->pid);
    return Status::ok;
  }
  const word ip = exchange_registers(thread, 0).r[0];
  const Decision d = monitor_decide(p, cause, 0, ip);
  carry_out(p, d.action);
  return Status::ok;
}

} // namespace rt
