// The HA library's deadlock detection (issue 11). VMXL4 called a thread deadlocked when it was
// blocked and its PC did not move for a set period; a client waiting on a slow server looks the
// same. Here a deadlock is a cycle: threads each blocked calling (or sending to) the next one's
// space, every one of them blocked, PC unchanged, for at least `min_ms`. A chain that ends in a
// space with a thread still running, or not watched, is someone waiting, not a deadlock.
//
// The worker builds the graph from what the kernel says of each watched thread (thread_ctl info:
// its state, its space, the space it awaits) and its PC; no system calls here.
#pragma once
#include <stdint.h>

namespace ha {

struct Waiter {
  uint32_t thread;         // the caller's name for it (a global thread id)
  uint32_t space;          // its space (kernel id)
  bool blocked;            // waiting for a reply or to send
  uint32_t awaited_space;  // the space it waits on (0: none, or not known)
  uint32_t pc;
  uint32_t since_ms;       // blocked with this PC since then
};

constexpr unsigned max_waiters = 32;

struct Cycle {
  uint32_t spaces[max_waiters];
  unsigned n = 0;          // 0: no deadlock
};

// The first cycle of stuck spaces among `w` (a space is stuck when it has watched threads and all
// of them have been blocked, PC unchanged, for min_ms at `now_ms`), in wait order.
Cycle find_deadlock(const Waiter *w, unsigned n, uint32_t now_ms, uint32_t min_ms);

// Follows a thread over samples: the time since which it is blocked with the same PC.
struct WaitTrack {
  bool blocked = false;
  uint32_t pc = 0, since_ms = 0;
  // A new sample; returns since_ms for the Waiter.
  uint32_t Update(bool now_blocked, uint32_t now_pc, uint32_t now_ms);
};

} // namespace ha
