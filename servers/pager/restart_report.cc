// Restart reporting (restart_report.hh).
#include "restart_report.hh"

#include <arc/libc.h>
#include <arc/proto/process.hh>
#include <arc/sys.hh>

using namespace arc;

const char *kind_name(root::Action k) {
  return k == root::Action::hot    ? "hot"
         : k == root::Action::warm ? "warm"
         : k == root::Action::swap ? "swap"
                                   : "restore";
}

Phases phases;

void phases_report(word to_recover, word to_reply) {
  if (!phases.active) return;
  phases.active = false;
  const unsigned long long recover_at = phases.fault + to_recover;
  unsigned long long load = 0, remap = 0;
  unsigned n_load = 0, n_remap = 0;
  for (unsigned i = 0; i < phases.faults; ++i) {
    if (phases.fault_at[i] < recover_at) load += phases.fault_took[i], ++n_load;
    else remap += phases.fault_took[i], ++n_remap;
  }
  auto span = [](unsigned long long a, unsigned long long b) { return b > a ? b - a : 0ull; };
  const unsigned long long start = span(phases.started + load, recover_at);
  const unsigned long long replay = span(to_recover + remap, to_reply);
  printf("[pager] %s: %s restart phases: monitor %llu, unmap %llu, reinit %llu, load %llu (%u faults), "
         "start %llu, remap %llu (%u faults), replay %llu; to Recover() %lu, to reply %lu\n",
         pinfo().client_name, kind_name(phases.kind),
         span(phases.fault, phases.decided), span(phases.decided, phases.unmapped),
         span(phases.unmapped, phases.started), load, n_load, start, remap, n_remap, replay,
         to_recover, to_reply);
}

// Tell the process it was restarted (its information page), then tell the monitor how long
// it took: from the fault IPC to the thread running again.
ARC_RESTART_PATH void restarted(root::Action kind, unsigned long long t0, word carried) {
  auto *ci = reinterpret_cast<proc::Info *>(p3::client_info_addr);
  ++ci->restarts;
  ci->last_restart_kind = word(kind);
  ci->restart_cycles_lo = word(t0);
  ci->restart_cycles_hi = word(t0 >> 32);
  ci->carried_reply = carried;
}

// With the pages the process holds now: only its persistent ones are left (a renewal's log shows
// what it freed). `after`: root::restarted_cleanup_later (a warm restart's old space and thread
// are to be destroyed when the second report, root::restarted_cleanup, comes) or 0.
ARC_RESTART_PATH void send_restarted(root::Action kind, word took, word resident, word after) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::restarted, after ? 4 : 3, 0).raw;
  u->mr[1] = took;
  u->mr[2] = word(kind);
  u->mr[3] = resident;
  u->mr[4] = after;
  (void)call(proc::root);
}

ARC_RESTART_PATH void report_restart(root::Action kind, unsigned long long t0, word after) {
  const word took = word(cycles() - t0);   // before counting: not part of the restart
  send_restarted(kind, took, image.resident(), after);
}

// A warm restart leaves the old space and thread behind, which the root task destroys once the
// restarted process has answered the client it was serving (destroying them was some 45,000
// instructions on the way to that reply): the second report goes when the framework says it
// recovered (pager::recovered, sent after the replayed reply), before any other message is
// handled, or when nothing has come for report_wait_ms. The restart itself is reported done at
// once, as before: clients (and the monitor) may act on the server as soon as it answers.
bool cleanup_due;

ARC_RESTART_PATH void report_due() {
  if (!cleanup_due) return;
  cleanup_due = false;
  Utcb *u = utcb();
  word saved[8];   // the message in hand (its first words: what the caller still reads)
  for (unsigned i = 0; i < 8; ++i) saved[i] = u->mr[i];
  u->mr[0] = Tag(root::restarted, 4, 0).raw;
  u->mr[1] = 0;
  u->mr[2] = 0;
  u->mr[3] = 0;
  u->mr[4] = root::restarted_cleanup;
  (void)call(proc::root);
  for (unsigned i = 0; i < 8; ++i) u->mr[i] = saved[i];
}
