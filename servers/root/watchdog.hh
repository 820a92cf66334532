// Hang detection: the servers whose boot line has heartbeat= or deadline= are watched by the
// root task between messages (it receives with a timeout while any is watched). The same tick
// looks at the servers that ask for proactive restarts (renew.cc).
#pragma once
#include "process.hh"

namespace rt {

// Milliseconds since boot.
word now_ms();
// How long the root task may wait for its next message before it must look again (0: for ever).
word watch_timeout_ms();
// Look at every watched server if a tick is due (always after a receive timed out). A server
// that has neither taken a request (its ipc_request counter, read through perfmon: messages from
// an endpoint, not the replies to its own calls) nor been ready to take the monitor's heartbeat
// for longer than its bound is hung — also one that loops calling other servers and never
// serves again: the monitor decides
// and the restart is carried out. Servers due for a renewal are renewed if they are at a quiet
// point. Keeps the caller's message registers.
void watch_tick(bool timed_out);
// The kernel's state of a thread (thread_ctl info); dead when it cannot be asked.
arc::ThreadState thread_state(arc::CapSlot thread);
// Send p the monitor's heartbeat with a zero timeout: true when p took it, which it can only
// have done waiting for messages on its endpoint (no request in progress). Never blocks us.
bool knock(Process *p);

} // namespace rt
