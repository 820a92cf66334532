// Restart reporting (servers/pager): the phases of the last restart, the process told it was
// restarted (its information page), the root task told how long it took, and a warm restart's
// second report (the old space's cleanup) when it is due.
#pragma once
#include "pager.hh"
#include <arc/proto/root.hh>

using arc::word;
namespace root = arc::root;

const char *kind_name(root::Action k);

// The phases of the last hot or warm restart, timed here and printed when the framework reports
// its Recover() and replayed reply (pager::recovered): the Arc thesis's breakdown.
struct Phases {
  bool active = false;
  root::Action kind = root::Action::hot;
  unsigned long long fault = 0, decided = 0, unmapped = 0, started = 0;
  static constexpr unsigned max_faults = 128;
  unsigned long long fault_at[max_faults] = {}, fault_took[max_faults] = {};
  unsigned faults = 0;   // page faults served since the start (the image coming back)
  // A new restart's timing. The fault lists are not cleared: `faults` says how much of them
  // counts (clearing the whole, 2 KiB, cost some 500 instructions in the monitor phase).
  void begin(root::Action k, unsigned long long at) {
    active = true;
    kind = k;
    fault = at;
    decided = unmapped = started = 0;
    faults = 0;
  }
};
extern Phases phases;

inline void phases_fault(unsigned long long arrived, unsigned long long done) {
  if (!phases.active || phases.faults >= Phases::max_faults) return;
  phases.fault_at[phases.faults] = arrived;
  phases.fault_took[phases.faults++] = done - arrived;
}

void phases_report(word to_recover, word to_reply);
ARC_RESTART_PATH void restarted(root::Action kind, unsigned long long t0, word carried);
ARC_RESTART_PATH void send_restarted(root::Action kind, word took, word resident, word after = 0);
ARC_RESTART_PATH void report_restart(root::Action kind, unsigned long long t0, word after = 0);
// A warm restart's second report: due (cleanup_due) until the framework says it recovered, or
// report_wait_ms without a message (see report_due in restart_report.cc).
extern bool cleanup_due;
constexpr word report_wait_ms = 200;
ARC_RESTART_PATH void report_due();
