// Per-thread virtual performance counters (the perfmon system call's state).
//
// Each thread has arc::perf_counters virtual counters; each counts one event while that thread
// runs. Software events are counted by the kernel where they happen; the cycle counter and the
// PMU's hardware events are read on every switch away from the thread and added up, so many
// threads can be watched at once and each sees only its own share.
#pragma once
#include "lib/types.hh"

namespace kern {

class Thread;
namespace arch { struct UserFrame; }

struct PerfState {
  uint8_t event[arc::perf_counters] = {};
  uint64_t count[arc::perf_counters] = {};
  uint32_t sw_mask = 0;        // software events some counter watches: bit (event - 16)
  bool hw = false;             // some counter watches a cycle or PMU event
  bool active = false;         // sw_mask or hw: the context switch must account
  uint64_t switched_in = 0;    // cycle counter when the thread last started running
  word last_upc = 0;           // user PC at the previous tick sample
  word last_ustate = 0;        // its user state's hash then (ustate_same)
};

namespace perf {
void init();                   // probe the PMU, say what it offers
word available_events();       // bitmask, bit e for event e
Status config(Thread *t, word counter, word event);
Status read(Thread *t, word counter, uint64_t *value);

// Count a software event for a thread (cheap when nobody watches it).
void count_slow(PerfState &p, word event);
inline void count(PerfState &p, word event) {
  if (unlikely(p.sw_mask)) count_slow(p, event);
}
// How many live threads have perf.active set: while none has, the IPC fast path's switch tests
// neither thread's state (one test instead of two).
extern word active_threads;
// Context switch and tick hooks.
void switch_out(Thread *t);
void switch_in(Thread *t);
// The timer tick found t running; uf: its user frame when it was in user mode, else null.
void tick(Thread *t, const arch::UserFrame *uf);
} // namespace perf

} // namespace kern
