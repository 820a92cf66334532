// The HA workers' table of watched threads (issue 11; docs/ha.md). Pure logic, no system calls:
// the worker process (servers/haworker) reads each thread through the kernel and hands the
// readings in; the table answers what to report. One table is shared by the worker threads of
// one process, each reading and updating only its own part of an entry (the dead, loop and
// deadlock state), while the control thread alone adds and removes entries.
#pragma once
#include "ha/deadlock.hh"
#include "ha/loop.hh"
#include <stdint.h>

namespace ha {

// What a watch looks for: the same bits as the boot configuration's ha= (bootcfg::HaWatch).
enum What : uint32_t { watch_dead = 1u << 0, watch_deadlock = 1u << 1, watch_loop = 1u << 2 };
// A report's kind, as the monitor receives it (proto.hh).
enum class Failure : uint32_t { dead = 1, deadlock = 2, loop = 3 };
const char *name_of(Failure f);

struct WatchParams {
  uint32_t what = 0;                // What bits
  uint32_t period_ms = 50;          // between two samples of this thread
  LoopParams loop;
  uint32_t deadlock_ms = 500;       // a cycle blocked this long is a deadlock
};

// What a worker read of a thread at one sample.
struct Reading {
  bool gone = false;          // the kernel no longer knows the thread (its capability was
                              //   revoked: destroyed with its space) or says it is dead
  bool blocked = false;       // waiting for a reply, or to send
  uint32_t space = 0;         // its space (kernel id)
  uint32_t awaited = 0;       // the space it waits on (0: none)
  uint32_t pc = 0;            // its user PC (0: not known)
  uint32_t still_ticks = 0;   // cumulative ustate_same: ticks it ran without changing anything
  uint32_t received = 0;      // cumulative ipc_received
};

constexpr unsigned max_watches = max_waiters;

struct Watch {
  // Written by the control thread only; `live` last when adding, first when removing.
  uint32_t live = 0;            // 0: free slot (read and written atomically)
  uint32_t id = 0;              // the monitor's name for the thread (pid << 8 | thread number)
  uint32_t slot = 0;            // the worker's capability to it
  uint32_t generation = 0;      // changes whenever the entry is (re)filled
  uint32_t disowned = 0;        // set by a worker: the monitor no longer knows the id
  WatchParams params;
  // Each worker thread's own state of the entry (reset when the generation changes).
  struct Dead { uint32_t generation = 0, next_ms = 0; bool reported = false; } dead;
  struct Loop {
    uint32_t generation = 0, next_ms = 0, ran = 0, received = 0, ticks = 0;
    bool primed = false, reported = false;
    LoopWatch watch;
  } loop;
  struct Wait {
    uint32_t generation = 0, next_ms = 0;
    Waiter waiter;
    bool reported = false;
  } wait;
};

// The dead-thread worker: the verdict for one watch at now_ms, given a reading taken when
// DueDead said so. True: report it (once per filling of the entry).
bool DueDead(Watch &w, uint32_t now_ms);
bool ObserveDead(Watch &w, const Reading &r);

// The loop worker: one sample of a watch (counter deltas from its cumulative counters and the
// timer ticks since the previous sample). The first sample after a (re)fill only primes it.
bool DueLoop(Watch &w, uint32_t now_ms);
bool ObserveLoop(Watch &w, const Reading &r, uint32_t now_ticks);

// The deadlock worker: every watch with watch_deadlock is sampled into its Waiter; then the
// cycle among them, if there is one (each member reported once), into ids_out (at most
// max_watches). Returns how many members it found.
bool DueWait(Watch &w, uint32_t now_ms);
void ObserveWait(Watch &w, const Reading &r, uint32_t now_ms);
unsigned FindDeadlocked(Watch *w, unsigned n, uint32_t now_ms, uint32_t *ids_out);

} // namespace ha
