// The reincarnation monitor: decides how a failed server comes back, by the policy of its boot
// line (restart kinds in order, restart intensity, back-off, what to do when the ladder is
// exhausted), and keeps the restart log that `msh restarts` shows.
#pragma once
#include "process.hh"
#include <arc/proto/root.hh>

namespace rt {

struct Decision {
  arc::root::Action action;
  word backoff_ms;
};

// A process failed: what now? Logs the decision.
Decision monitor_decide(Process *p, arc::root::Cause cause, word addr, word ip);
// A group restart led by `leader` takes member c along: by which kind (its policy's current
// rung; stop: it has no policy and is left alone). Logs it.
arc::root::Action monitor_member(Process *c, Process *leader);
// Why a renewal is due (renew.cc).
struct RenewReason {
  bool by_pages;       // it holds more pages than renew-pages; else renew-every has passed
  word value, limit;   // the pages and renew-pages, or the ms since its last start and renew-every
};
// A renewal (renew.cc: due, and p is held at a quiet point): by the first hot or warm kind of
// p's policy (stop: it has none; the boot configuration refuses such lines). Not a failure: it
// is logged (cause renew) but does not count against the restart intensity, and the ladder
// stays on its rung. Logs it.
arc::root::Action monitor_renew(Process *p, const RenewReason &why);
// An administrator asked for p's program to be swapped to `program` (root::swap; p is held at a
// quiet point): logged (cause swap_asked, action swap), counted like a renewal: not a failure.
void monitor_swap_asked(Process *p, const char *program);
// p's pager took checkpoint `number` (0: it failed, none is left): copied and clean pages, cycles.
// Logged (cause and action checkpoint; a server's consecutive checkpoints share one entry).
void monitor_checkpointed(Process *p, word number, word copied, word clean, word cycles);
// An administrator asked for p to be restored to its checkpoint (root::restore): logged (cause
// restore_asked, action restore), counted like a renewal: not a failure.
void monitor_restore_asked(Process *p, arc::root::Cause cause = arc::root::Cause::restore_asked);
// p's last checkpoint (#number) was written out as a file of `bytes` (the shell's checkpoint --save).
void monitor_checkpoint_saved(Process *p, word number, word bytes);
// The renewal (or swap) just decided could not be carried out: p goes on as it was.
void monitor_renew_abandoned(Process *p);
// A restart of p was decided and has not completed yet.
bool monitor_restarting(const Process *p);
// The pager finished a hot or warm restart that took `insns` guest instructions; p holds
// `pages` pages now (~0: not known).
void monitor_restarted(Process *p, word insns, arc::root::Action kind, word pages);
// Restart log entry `index` for the restarts query; false past the end.
struct LogEntry {
  word pid;
  char name[24];
  arc::root::Cause cause;
  arc::root::Action action;
  word insns;        // guest instructions from the failure to the process running again
  arc::root::Outcome outcome;
};
bool monitor_log(unsigned index, LogEntry *out);
// Carry the history of a server over to the process that replaces it (cold restart).
void monitor_moved(Process *from, Process *to);
// A domain restart: every server starts again with no restarts counted and its first kind.
void monitor_forget_histories();
// The domain restart that pid's failure asked for was carried out.
void monitor_domain_done(word pid);

} // namespace rt
