// Virtual performance counters. Software events are counted in place; the cycle event uses the
// CPU's cycle counter, and hardware events use the PMU back end (arch/pmu.hh), both read and
// accumulated when the thread is switched out.
#include "perfmon/perfmon.hh"
#include "arch/cpu.hh"
#include "arch/pmu.hh"
#include "lib/console.hh"
#include "object/thread.hh"

namespace kern::perf {

word active_threads;

namespace {
constexpr word sw_first = arc::event::context_switch;
bool is_sw(word e) { return e >= sw_first && e < arc::event::max; }
bool is_hw(word e) { return e >= arc::event::instructions && e <= arc::event::pc_write; }

void recompute(Thread *t) {
  PerfState &p = t->perf;
  if (p.active) --active_threads;
  p.sw_mask = 0;
  p.hw = false;
  for (unsigned i = 0; i < arc::perf_counters; ++i) {
    if (is_sw(p.event[i])) p.sw_mask |= 1u << (p.event[i] - sw_first);
    else if (p.event[i] != arc::event::none) p.hw = true;
  }
  p.active = p.sw_mask || p.hw;
  if (p.active) ++active_threads;
}

// Fold what has run since switch-in into t's counters (t is running now).
void settle(Thread *t) {
  PerfState &p = t->perf;
  if (!p.hw) return;
  uint64_t now = arch::cycles();
  for (unsigned i = 0; i < arc::perf_counters; ++i) {
    if (p.event[i] == arc::event::cycles) p.count[i] += now - p.switched_in;
    else if (is_hw(p.event[i])) p.count[i] += arch::pmu_read(i);
  }
  p.switched_in = now;
  arch::pmu_restart();
}
} // namespace

void init() {
  arch::pmu_init();
  if (available_events() & ((1u << arc::event::instructions)))
    klog("perfmon: hardware events from %s", arch::pmu_name());
  else
    klog("perfmon: %s; hardware events unavailable, cycles and software events only",
         arch::pmu_name());
}

word available_events() {
  word m = 1u << arc::event::cycles;
  for (word e = sw_first; e < arc::event::max; ++e) m |= 1u << e;
  for (word e = arc::event::instructions; e <= arc::event::pc_write; ++e)
    if (arch::pmu_has(e)) m |= 1u << e;
  return m;
}

Status config(Thread *t, word counter, word event) {
  if (counter >= arc::perf_counters || event >= arc::event::max) return Status::invalid_arg;
  if (event != arc::event::none && !(available_events() & (1u << event))) {
    // A valid event this CPU cannot count (e.g. any hardware event under QEMU's TCG).
    if (is_hw(event)) return Status::not_supported;
    return Status::invalid_arg;
  }
  bool running = t == Thread::current();
  if (running) settle(t);
  t->perf.event[counter] = uint8_t(event);
  t->perf.count[counter] = 0;
  recompute(t);
  if (running) {
    t->perf.switched_in = arch::cycles();
    arch::pmu_load(t->perf.event);
  }
  return Status::ok;
}

Status read(Thread *t, word counter, uint64_t *value) {
  if (counter >= arc::perf_counters) return Status::invalid_arg;
  if (t == Thread::current()) settle(t);
  *value = t->perf.count[counter];
  return Status::ok;
}

void count_slow(PerfState &p, word event) {
  if (!(p.sw_mask & (1u << (event - sw_first)))) return;
  for (unsigned i = 0; i < arc::perf_counters; ++i)
    if (p.event[i] == event) ++p.count[i];
}

void switch_out(Thread *t) {
  count_slow(t->perf, arc::event::context_switch);
  settle(t);
  if (t->perf.hw) arch::pmu_stop();
}

void switch_in(Thread *t) {
  if (!t->perf.hw) return;
  t->perf.switched_in = arch::cycles();
  arch::pmu_load(t->perf.event);
}

void tick(Thread *t, const arch::UserFrame *uf) {
  PerfState &p = t->perf;
  if (!p.sw_mask) return;
  count_slow(p, arc::event::time_running);
  const word user_pc = uf ? uf->ip() : 0;
  if (user_pc && user_pc != p.last_upc) count_slow(p, arc::event::upc_change);
  // The hash only when someone watches for it: it reads the whole frame.
  if (uf && (p.sw_mask & (1u << (arc::event::ustate_same - arc::event::context_switch)))) {
    const word h = uf->state_hash();
    if (user_pc == p.last_upc && h == p.last_ustate) count_slow(p, arc::event::ustate_same);
    p.last_ustate = h;
  }
  if (user_pc) p.last_upc = user_pc;
}

} // namespace kern::perf
