// SecDom0, the domain monitor (issue 11, docs/domains.md; VMXL4's global monitor). It runs in a
// secure domain of its own and holds, for each domain its boot line names (watch-domains=), a
// perfmon capability on that domain's root task: nothing more, so it can read the root task's
// counters but neither stop, steer nor reach anything else of the domain. Every period it
// samples each root task:
//   dead  the capability names no thread any more: the root task failed and the boot root task
//         deleted its thread (or the domain is gone);
//   loop  the HA library's loop predictor (libs/ha loop.hh) over the counters ustate_same (ticks
//         that found the thread running with its PC and registers as at its previous tick) and
//         ipc_received: a root task that spins without receiving anything has panicked.
// On either it asks the boot root task to restart that domain (root::domain_restart), watches
// the new root task, and goes on. A root task that waits for messages is idle, not dead.
//
// Usage (boot line): secdom0 [PERIOD_MS]   (default 50)
#include <arc/libc.h>
#include <arc/process.hh>
#include <arc/proto/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <ha/loop.hh>
#include <stdio.h>
#include <stdlib.h>

using namespace arc;

// Below every console server it could watch: its console is the kernel's.
ARC_CONSOLE_KDEBUG_ONLY;

namespace {

constexpr unsigned max_watched = 4;   // bootcfg::max_domains

struct Watched {
  word index = 0;             // the domain's index in the boot configuration
  char name[24] = {};
  CapSlot slot = 0;           // perfmon capability on its root task's thread (0: not held)
  word generation = 0;        // which start of the domain that thread is
  word still = 0, received = 0;   // counters at the previous sample
  word sampled_at = 0;        // ticks
  ha::LoopWatch loop;
  bool present = false;
};

Watched watched[max_watched];
unsigned n_watched;

word now_ticks() { return syscall(Sys::kdebug, word(KdOp::ticks)).r[0]; }

// The domain's name (root::domains); false past the last domain.
bool domain_name(word index, char *out, unsigned size) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::domains, 1, 0).raw;
  u->mr[1] = index;
  if (call(proc::root) != Status::ok || Status(u->mr[1]) != Status::ok) return false;
  const char *packed = reinterpret_cast<const char *>(&u->mr[8]);
  unsigned i = 0;
  for (; i + 1 < size && i < 8 * sizeof(word) && packed[i]; ++i) out[i] = packed[i];
  out[i] = 0;
  return true;
}

// Ask for the perfmon capability on w's root task and set its counters up. False (said) when it
// is not to be had now.
bool watch(Watched &w) {
  if (!w.slot && !(w.slot = slot_alloc())) return false;
  (void)cap_delete(w.slot);
  Utcb *u = utcb();
  u->rcv_cap_slot = w.slot;
  u->mr[0] = Tag(root::domain_watch, 1, 0).raw;
  u->mr[1] = w.index;
  const Status st = call(proc::root);
  u->rcv_cap_slot = 0;
  if (st != Status::ok || Tag(u->mr[0]).untyped() < 2 || Status(u->mr[1]) != Status::ok ||
      Tag(u->mr[0]).typed() != 2 || Tag(u->mr[0]).map_failed())
    return false;
  w.generation = u->mr[2];
  if (perfmon(w.slot, PerfOp::config, 0, event::ustate_same).status != Status::ok ||
      perfmon(w.slot, PerfOp::config, 1, event::ipc_received).status != Status::ok) {
    ::printf("[secdom0] %s: its root task's counters cannot be set up\n", w.name);
    return false;
  }
  w.still = w.received = 0;
  w.sampled_at = now_ticks();
  w.loop.Reset();
  ::printf("[secdom0] watching domain %s (generation %lu)\n", w.name, w.generation);
  return true;
}

void restart(Watched &w, root::Cause cause) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::domain_restart, 3, 0).raw;
  u->mr[1] = w.index;
  u->mr[2] = w.generation;
  u->mr[3] = word(cause);
  const Status st = call(proc::root);
  if (st != Status::ok || Status(u->mr[1]) != Status::ok) {
    ::printf("[secdom0] %s: the restart was refused (%lu)\n", w.name, st != Status::ok ? word(st) : u->mr[1]);
    return;
  }
  const word generation = u->mr[2];
  if (!generation) {
    ::printf("[secdom0] %s: the domain stays down\n", w.name);
    w.present = false;
    return;
  }
  (void)watch(w);
}

void sample(Watched &w) {
  const Result s = perfmon(w.slot, PerfOp::read, 0);
  if (!s.ok()) {
    // The capability names nothing: the thread was deleted (its root task failed).
    ::printf("[secdom0] %s: its root task is dead (generation %lu): restarting the domain\n", w.name,
           w.generation);
    restart(w, root::Cause::dead_thread);
    return;
  }
  const word r = perfmon(w.slot, PerfOp::read, 1).r[0];
  const word now = now_ticks();
  ha::LoopObservation o{};
  o.period_ticks = uint32_t(now - w.sampled_at);
  o.ran_ticks = uint32_t(s.r[0] - w.still);
  o.progress = uint32_t(r - w.received);
  o.pc = 0;   // perfmon only: its PC is not ours to read
  w.still = s.r[0];
  w.received = r;
  w.sampled_at = now;
  if (!w.loop.Observe(o)) return;
  const uint32_t p = w.loop.predictor().p();
  ::printf("[secdom0] %s: its root task is in an endless loop (P %lu.%02lu): restarting the domain\n",
         w.name, word(p >> 16), word((p & 0xffff) * 100 >> 16));
  restart(w, root::Cause::loop);
}

} // namespace

int main(int argc, char **argv) {
  const word period_ms = argc > 1 ? strtoul(argv[1], nullptr, 10) : 50;
  // Every domain the boot configuration has; those our line names answer domain_watch.
  for (word i = 0; n_watched < max_watched; ++i) {
    Watched &w = watched[n_watched];
    if (!domain_name(i, w.name, sizeof w.name)) break;
    w.index = i;
    ha::LoopParams params;
    params.tight_bytes = 0;
    w.loop = ha::LoopWatch(params);
    if (!watch(w)) {
      if (w.slot) (void)cap_delete(w.slot);
      continue;   // not ours to watch, or not running: another index reuses the entry
    }
    w.present = true;
    ++n_watched;
  }
  if (!n_watched) {
    ::printf("[secdom0] no domain to watch\n");
    return 1;
  }
  // Our own domain, and each watched root task's: all different, none the boot domain's.
  ::printf("[secdom0] in secure domain %lu; root tasks in domains", cap_domain(proc::space));
  for (unsigned i = 0; i < n_watched; ++i) ::printf(" %lu (%s)", cap_domain(watched[i].slot), watched[i].name);
  ::printf("\n");
  ::printf("[secdom0] watching %u domain%s every %lu ms\n", n_watched, n_watched == 1 ? "" : "s", period_ms);
  for (;;) {
    sleep_ms(period_ms);
    for (unsigned i = 0; i < n_watched; ++i) {
      Watched &w = watched[i];
      if (!w.present) continue;
      if (!w.slot || !w.generation) {
        if (watch(w)) continue;
      }
      sample(w);
    }
  }
}
