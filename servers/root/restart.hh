// Restarts the root task carries out (a hot restart is the pager's alone): warm, cold and group.
#pragma once
#include "process.hh"

namespace rt {

// Warm restart of p, whose pager is waiting for the monitor's answer: a new space and main thread
// replace the old ones, the capability space moves over whole (endpoint, IRQs, connections, saved
// reply rights), and the interrupted caller's reply right goes into a free slot of proc::carried_reply..
// (returned in *carried, 0 if there was none). The pager keeps the persistent pages, drops the rest
// and starts the new thread. False when it cannot be done: then restart it cold.
bool restart_warm(Process *p, CapSlot *carried);
// The old space and thread a warm restart (or swap) left behind: destroyed when its pager reports
// the restart done (after the restarted process answered its client), at the next warm restart
// or when p is killed (some 30,000 instructions of destroying a space on ARM were on the way to
// the reply, 1 before).
void drop_old_space(Process *p);
// Make the space and main thread p's next warm restart or swap takes (Process::spare_space), set
// up as far as they can be before the restart (the space's own slots, the thread bound to it with
// its pager, handler and priority), when its policy has a warm restart or a swap and none is ready:
// when p starts, and after each warm restart once the old space went (the second report, after
// the replayed reply). Nothing when it cannot (no memory): the restart makes them then, as before.
void prepare_spare(Process *p);

// Swap: a warm restart of p (as restart_warm) into the program `to` instead of its own, which
// its pager then loads, carrying over only the framework's persistent area (docs/restarts.md,
// "Swap"). False when it cannot be done: when p->space is still the old one, nothing was
// changed; otherwise restart it cold.
bool restart_swap(Process *p, const Module *to, CapSlot *carried);
// The program a swap of p runs next: the one after p's current program in the cycle of its
// boot line's program and alternates (a missing module is passed over); null if none.
const Module *next_program(const Process *p);

// Cold restart: the process and its pager go (a pending caller hears partner_gone), and its boot
// line is started again. Returns the new process, or null.
Process *restart_cold(Process *p);

// Group restart: p failed and is restarted cold; the processes connected to it (they looked up a
// name p published, by the name service's record) are held first, so that none of them sees the
// reset, then restarted after it, each by its own policy's first kind (a cold member brings its
// own dependents along). Members without a restart policy are left alone.
void restart_group(Process *p);

// The running processes connected to p: those that looked up a name p published (the name
// service's connection records), at most max (max_group for a group restart).
constexpr unsigned max_group = 8;
unsigned dependents_of(Process *p, Process *out[], unsigned max);

// Ask p's pager to restart it hot, or warm after restart_warm (carried: the slot restart_warm
// returned); if the pager is blocked on the root task or does not come to its receive within a
// few ms, the root task's loop asks again after its reply (deliver_pending_restarts).
void ask_pager(Process *p, arc::root::Action kind, word carried);

// Whether some restart still waits for its pager.
bool restarts_waiting();

// Carry out a monitor's decision taken outside a pager's report (a hang, corruption reported by
// the process itself): hot and warm restarts through the pager, the others here.
void carry_out(Process *p, arc::root::Action action);

// Deliver restarts asked of group members' pagers that could not be delivered at once (the
// pager was busy); called by the root task's loop.
void deliver_pending_restarts();

} // namespace rt
