// Messages between the HA monitor (the root task's reincarnation monitor) and the HA workers
// (servers/haworker), and the workers' reports (docs/ha.md).
#pragma once
#include <arc/abi.hh>

namespace ha::proto {

using arc::word;

// To the workers' endpoint, from the monitor only (nobody else holds a capability to it). Sends,
// never calls, and no replies (api.cc says why); what is refused is said on the console.
enum Label : word {
  // MR1 id, MR2 What bits, MR3 period ms, MR4 b (q16), MR5 L (q16), MR6 T, MR7 deadlock ms;
  // one capability item: the thread (perfmon and control). An id already watched is watched
  // afresh (its state reset).
  watch = 0x400,
  unwatch = 0x401,   // MR1 id
  stop = 0x402,      // the workers stop sampling and the process exits
};
constexpr unsigned watch_args = 7;

// From a worker to the monitor (the root task's endpoint: root::ha_report): MR1 Failure, MR2 the
// id, MR3 a detail (deadlock: the cycle's length; loop: P in q16), MR4 the worker's ms clock when
// it found it. Reply MR1 status: ok, or invalid_arg for an id the monitor no longer watches (a
// process gone): the workers then stop sampling that entry.
constexpr word report_args = 4;

} // namespace ha::proto
