// A cold restart of the name service that cuts no connection (docs/restarts.md, "The name
// service"). Its capability space holds the endpoints servers published and the capabilities
// minted from them for clients, and every client's copy derives from those: destroying them with
// the old process would revoke every connection in the system. So the registry's slots
// (arc::names::kept_first .. kept_end) are kept over the restart, and the servers that had
// published are told to publish again; the new name service matches each publication with what
// it kept (cap_same) and rebuilds its records, connection records included.
#pragma once
#include "process.hh"

namespace rt {

// Before the old name service `p` goes: its registry's slots move into a holding space of ours,
// and each process whose endpoint was published there (its service endpoint, which we made, is
// the same object as a kept capability) is marked to be told. Returns what spawn() should carry
// into the new process (space 0: nothing could be kept; the cold restart goes on and clients
// find their servers again by name).
Carry names_keep(Process *p);

// After the new name service was spawned (ok: it was) or could not be: the holding space goes
// (with whatever it still holds), and the marked publishers are told to publish again.
void names_kept_done(Carry &carry, bool ok);

// Tell the marked publishers that did not take the message yet (each is sent it without waiting:
// a server that is not receiving now is tried again later, for a few seconds). Called by the
// root task's loop; the message registers are kept.
void tell_publishers();

// Some publisher is still to be told and the last try was retry_ms ago or more.
bool publishers_due();

// While some publisher is still to be told: how long the loop may wait before trying again
// (ms; 0: nothing to tell).
word publishers_timeout_ms();

} // namespace rt
