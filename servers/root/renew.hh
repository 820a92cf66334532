// Proactive restarts (renewals): a server whose boot line has renew-pages= or renew-every= is
// restarted hot or warm before slow damage (a leak, fragmentation, state that goes bad with age)
// becomes a failure: when it holds more pages than renew-pages, or renew-every after its start
// or last restart. Only at a quiet point (it waits for messages: no request in progress, no
// reply owed), so its clients see nothing and nothing needs replaying. Looked at on the
// watchdog's tick (watchdog.cc).
#pragma once
#include "process.hh"

namespace rt {

// p is running and its boot line asks for renewals.
bool renews(const Process *p);

// A watchdog tick for p at `now` (ms): if a renewal is due and p is at a quiet point, the monitor
// decides (monitor_renew) and the restart is carried out; a due renewal that finds p busy waits
// for a later tick. True when p is being restarted now (a renewal or any other restart under
// way): it cannot take messages for a while.
bool renew_tick(Process *p, word now);

// An online swap of p to program `to` (root::swap): at a quiet point, as a renewal is (busy: not
// at one now, ask again); logged by monitor_swap_asked, carried out by restart_swap and p's
// pager. Its clients' calls wait at the endpoint meanwhile and reach the new program.
arc::Status swap_online(Process *p, const Module *to);
// Checkpoints (docs/restarts.md, "Checkpoint and restore"). Whether p has a checkpoint= period.
bool checkpoints(const Process *p);
// The period's knock, at a watchdog tick: true when p was asked for a checkpoint (or is due and
// busy).
void checkpoint_tick(Process *p, word now);
// Ask p for a checkpoint now (the monitor's `checkpoint` message, taken only at a quiet point):
// false when it is not waiting for a message (busy).
bool checkpoint_knock(Process *p, word how = 0);
// Restore p to its checkpoint (root::restore): held, logged, and its pager asked.
void restore_asked(Process *p);
// Restore p to the checkpoint its pager just loaded from a file: the same, logged restore-loaded.
void restore_loaded(Process *p);

// A hot or warm restart of p completed (renewal: it was one); p holds `pages` pages now (~0:
// not known). Every such restart renews the process: its renew-every period starts again.
void renew_done(Process *p, bool renewal, word pages);

} // namespace rt
