// The HA workers (issue 11, docs/ha.md; VMXL4's design): a process of their own, apart from the
// monitor they report to. The main thread is the control thread: it takes the monitor's watch and
// unwatch requests (libs/ha api.cc) on our service endpoint and fills the table. Three worker
// threads sample the watched threads through the kernel, each at its own pace:
//
//   dead      thread_ctl info: a thread the kernel stopped (dead), or one whose capability no
//             longer names anything, is reported;
//   loop      the counters ustate_same (ticks that found it running with its PC and registers
//             as at its previous tick) and ipc_received (perfmon counters 0 and 1 of the watched
//             thread; the root task's watchdog uses 2 and 3) and the user PC feed the loop
//             predictor (libs/ha loop.hh): a thread that runs and changes nothing, and receives
//             nothing, is in an endless loop; one that computes changes its registers;
//   deadlock  each thread's state, the space it waits on and its PC feed the cycle finder
//             (deadlock.hh): a cycle of spaces each blocked calling the next is reported, every
//             member of it.
//
// A report is a call to the monitor (root::ha_report). Each thread is reported once per
// watch: the monitor watches it again after it acted, which starts the detectors afresh.
// The worker threads use no stdio (one newlib reentrancy structure per process): they only
// make system calls, and the control thread prints.
#include <arc/libc.h>
#include <arc/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <arc/thread.hh>
#include <ha/proto.hh>
#include <ha/watch.hh>
#include <stdio.h>

using namespace arc;

// Part of the base, like the name service: its console is the kernel's (a console server being
// restarted must not hold up a report).
ARC_CONSOLE_KDEBUG_ONLY;

namespace {

ha::Watch table[ha::max_watches];
uint32_t generation_counter;
constexpr word tick_ms = 10;   // how often a worker looks whether a watch is due

word now_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.r[0] * (r.r[1] ? r.r[1] : 1);
}
word now_ticks() { return syscall(Sys::kdebug, word(KdOp::ticks)).r[0]; }

// The control thread and the workers share the table on one CPU: the order of these stores and
// loads is what matters, and the compiler must keep it.
template <typename T> T load(const T &x) { return __atomic_load_n(&x, __ATOMIC_SEQ_CST); }
template <typename T, typename V> void store(T &x, V v) { __atomic_store_n(&x, T(v), __ATOMIC_SEQ_CST); }

// What the kernel says of a watched thread now.
ha::Reading read_thread(const ha::Watch &w, bool counters, bool pc) {
  ha::Reading r;
  const Result info = syscall(Sys::thread_ctl, w.slot, word(ThreadOp::info));
  if (!info.ok() || ThreadState(info.r[0]) == ThreadState::dead) {
    r.gone = true;
    return r;
  }
  const auto state = ThreadState(info.r[0]);
  r.blocked = state == ThreadState::wait_reply || state == ThreadState::send_blocked;
  r.space = info.r[2];
  r.awaited = info.r[3];
  if (pc) r.pc = exchange_registers(w.slot, 0).r[0];
  if (counters) {
    r.still_ticks = perfmon(w.slot, PerfOp::read, 0).r[0];
    r.received = perfmon(w.slot, PerfOp::read, 1).r[0];
  }
  return r;
}

// The entry changed under us while we read it (the control thread refilled or emptied it): the
// reading is of something else, and is dropped.
bool still(const ha::Watch &w, uint32_t generation) {
  return load(w.live) && load(w.generation) == generation;
}

// Tell the monitor. It answers invalid_arg for a thread it no longer watches (its process is
// gone): the entry is then marked disowned, and the control thread reuses it when it needs room.
void report(ha::Watch &w, ha::Failure f, word detail) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::ha_report, ha::proto::report_args, 0).raw;
  u->mr[1] = word(f);
  u->mr[2] = w.id;
  u->mr[3] = detail;
  u->mr[4] = now_ms();
  const Status st = call(proc::root, ipc::timeouts(1000, 1000));
  if (st == Status::ok && Tag(u->mr[0]).untyped() >= 1 && Status(u->mr[1]) == Status::invalid_arg)
    store(w.disowned, 1);
}

void dead_worker() {
  for (;;) {
    sleep_ms(tick_ms);
    for (ha::Watch &w : table) {
      const uint32_t g = load(w.generation);
      if (!ha::DueDead(w, now_ms())) continue;
      const ha::Reading r = read_thread(w, false, false);
      if (!still(w, g)) continue;
      if (ha::ObserveDead(w, r)) report(w, ha::Failure::dead, 0);
    }
  }
}

void loop_worker() {
  for (;;) {
    sleep_ms(tick_ms);
    for (ha::Watch &w : table) {
      const uint32_t g = load(w.generation);
      if (!ha::DueLoop(w, now_ms())) continue;
      const ha::Reading r = read_thread(w, true, w.params.loop.tight_bytes != 0);
      if (!still(w, g)) continue;
      if (ha::ObserveLoop(w, r, now_ticks())) report(w, ha::Failure::loop, w.loop.watch.predictor().p());
    }
  }
}

void deadlock_worker() {
  for (;;) {
    sleep_ms(tick_ms);
    const word now = now_ms();
    bool sampled = false;
    for (ha::Watch &w : table) {
      const uint32_t g = load(w.generation);
      if (!ha::DueWait(w, now)) continue;
      const ha::Reading r = read_thread(w, false, true);
      if (!still(w, g)) continue;
      ha::ObserveWait(w, r, now);
      sampled = true;
    }
    if (!sampled) continue;
    uint32_t ids[ha::max_watches];
    const unsigned n = ha::FindDeadlocked(table, ha::max_watches, now, ids);
    for (unsigned i = 0; i < n; ++i)
      for (ha::Watch &w : table)
        if (load(w.live) && w.id == ids[i]) report(w, ha::Failure::deadlock, n);
  }
}

alignas(16) unsigned char stacks[3][4096];

ha::Watch *find(word id) {
  for (ha::Watch &w : table)
    if (load(w.live) && w.id == id) return &w;
  return nullptr;
}

// Empty the entry: its capability goes (the thread itself is not touched).
void forget(ha::Watch &w) {
  store(w.live, 0);
  store(w.generation, ++generation_counter);
  if (w.slot) {
    (void)cap_delete(w.slot);
    slot_free(w.slot);
    w.slot = 0;
  }
}

Status watch(const Utcb *u, CapSlot cap) {
  ha::WatchParams p;
  p.what = u->mr[2];
  p.period_ms = u->mr[3];
  p.loop.beta = u->mr[4];
  p.loop.limit = u->mr[5];
  p.loop.samples = u->mr[6];
  p.deadlock_ms = u->mr[7];
  const word id = u->mr[1];
  if (!p.what || p.what & ~word(ha::watch_dead | ha::watch_deadlock | ha::watch_loop) ||
      p.period_ms < 10 || p.loop.beta >= ha::one || p.loop.limit > ha::one || !p.loop.samples ||
      p.loop.samples > 16)
    return Status::invalid_arg;
  if (cap_identify(cap).status != Status::ok) return Status::invalid_arg;
  ha::Watch *w = find(id);
  if (w) forget(*w);
  for (ha::Watch &e : table)
    if (!w && !load(e.live)) w = &e;
  // Full: an entry the monitor disowned, or one whose thread is gone, makes room.
  for (ha::Watch &e : table)
    if (!w && (load(e.disowned) || cap_identify(e.slot).status != Status::ok)) {
      forget(e);
      w = &e;
    }
  if (!w) return Status::no_memory;
  // The loop worker's counters, zeroed now: its first sample primes it.
  if ((p.what & ha::watch_loop) &&
      (perfmon(cap, PerfOp::config, 0, event::ustate_same).status != Status::ok ||
       perfmon(cap, PerfOp::config, 1, event::ipc_received).status != Status::ok))
    return Status::invalid_arg;
  w->id = id;
  w->slot = cap;
  w->disowned = 0;
  w->params = p;
  store(w->generation, ++generation_counter);
  store(w->live, 1);
  return Status::ok;
}

void start_worker(int i, void (*entry)()) {
  ThreadStart t;
  t.entry = entry;
  t.stack = stacks[i];
  t.stack_bytes = sizeof stacks[i];
  if (!start_thread(t)) ::printf("[haworker] cannot start worker thread %d\n", i);
}

} // namespace

int main() {
  start_worker(0, dead_worker);
  start_worker(1, loop_worker);
  start_worker(2, deadlock_worker);
  ::printf("[haworker] workers ready: dead threads, endless loops, deadlocks\n");
  Utcb *u = utcb();
  CapSlot incoming = slot_alloc();
  word badge = 0;
  for (;;) {
    u->rcv_cap_slot = incoming;
    if (recv(proc::service, &badge) != Status::ok) continue;
    const Tag tag(u->mr[0]);
    if (tag.label() == ha::proto::watch && tag.untyped() == ha::proto::watch_args &&
        tag.typed() == 2 && !tag.map_failed()) {
      const word id = u->mr[1];
      const Status st = watch(u, incoming);
      if (st == Status::ok) incoming = slot_alloc();   // the table keeps this one
      else ::printf("[haworker] watch of %lu refused (status %lu)\n", id, word(st));
    } else if (tag.label() == ha::proto::unwatch && tag.untyped() == 1) {
      if (ha::Watch *w = find(u->mr[1])) forget(*w);
    } else if (tag.label() == ha::proto::stop) {
      for (ha::Watch &w : table)
        if (load(w.live)) forget(w);
      ::printf("[haworker] stopped by the monitor\n");
      return 0;
    } else {
      ::printf("[haworker] unknown message %#lx\n", tag.label());
    }
    // A capability that came with anything but an accepted watch is not kept.
    if (tag.typed() && cap_identify(incoming).status == Status::ok) (void)cap_delete(incoming);
  }
}
