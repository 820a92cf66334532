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
// The pager finished a hot or warm restart that took `insns` guest instructions.
void monitor_restarted(Process *p, word insns, arc::root::Action kind);
// Restart log entry `index` for the restarts query; false past the end.
struct LogEntry {
  word pid;
  char name[24];
  arc::root::Cause cause;
  arc::root::Action action;
  word insns;        // guest instructions from the failure to the process running again
  bool done;         // the restart completed
};
bool monitor_log(unsigned index, LogEntry *out);
// Carry the history of a server over to the process that replaces it (cold restart).
void monitor_moved(Process *from, Process *to);
// A domain restart: every server starts again with no restarts counted and its first kind.
void monitor_forget_histories();
// The domain restart that pid's failure asked for was carried out.
void monitor_domain_done(word pid);

} // namespace rt
