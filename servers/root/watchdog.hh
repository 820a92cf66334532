// Hang detection: the servers whose boot line has heartbeat= or deadline= are watched by the
// root task between messages (it receives with a timeout while any is watched).
#pragma once
#include "process.hh"

namespace rt {

// Milliseconds since boot.
word now_ms();
// How long the root task may wait for its next message before it must look again (0: for ever).
word watch_timeout_ms();
// Look at every watched server if a tick is due (always after a receive timed out). A server
// that has neither received a message (its ipc_received counter, read through perfmon) nor been
// ready to take the monitor's heartbeat for longer than its bound is hung: the monitor decides
// and the restart is carried out. Keeps the caller's message registers.
void watch_tick(bool timed_out);

} // namespace rt
