// The root task's side of the HA library (issue 11, docs/ha.md): the reincarnation monitor is
// the HA monitor. The workers are the process of the boot line whose program is `haworker`; the
// monitor watches the main thread of every server whose line has ha=, and the helper threads
// such a server names itself (root::ha_watch), and acts on the workers' reports by the server's
// ha-action: its restart policy, or a delay.
#pragma once
#include "process.hh"

namespace rt {

// Whether p is the HA workers' process.
bool ha_is_worker(const Process *p);
// At every pass of the root task's loop (keeps the caller's message registers): (re)starts the watches of processes that started or
// were restarted (and of everything when the workers themselves were), ends those of processes
// gone, lets delayed threads go on. Cheap when there is nothing to do.
void ha_tick();
// How long the loop may wait before ha_tick must run again (0: for ever).
word ha_timeout_ms();
// root::ha_watch from `caller`: its thread `number` (1..255), whose capability came with the
// message into our slot `cap` (taken over on success, else left for the caller to delete).
arc::Status ha_watch_request(Process *caller, word number, CapSlot cap);
// root::ha_report from `caller` (the workers only): the failure, the thread's id, a detail and
// the worker's clock. Acts on it.
arc::Status ha_report(Process *caller, word failure, word id, word detail, word at_ms);

} // namespace rt
