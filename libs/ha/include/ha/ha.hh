// The HA library's monitor side (issue 11; VMXL4's interface): a monitor thread starts the
// workers, names the threads they watch and what for, and hears of failures as reports on its
// own endpoint (ha::proto). The monitor is the root task's reincarnation monitor; it starts the
// worker process (servers/haworker) itself and passes its endpoint to HA_start. HA_stop,
// HA_monitor and HA_unmonitor never wait: timeout says the workers were not ready for the
// message (starting, or busy), and the caller sends it again later.
#pragma once
#include "ha/watch.hh"
#include <arc/abi.hh>

// Use the workers behind `workers` (a capability to their endpoint: send and grant). ok, or
// busy when already started.
arc::Status HA_start(arc::CapSlot workers);
// Tell the workers to stop and forget them (every watch ends). ok, or no_partner when not started.
arc::Status HA_stop();
// Watch `thread` (a capability of the caller's with perfmon and control; the workers get a
// copy) under the name `id`, for the failures in params.what. Watching an id again replaces the
// watch and starts its detectors afresh (what the monitor does after acting on a report).
arc::Status HA_monitor(arc::CapSlot thread, arc::word id, const ha::WatchParams &params);
// End the watch of `id`.
arc::Status HA_unmonitor(arc::word id);
