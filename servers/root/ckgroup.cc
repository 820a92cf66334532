#include "ckgroup.hh"
#include "monitor.hh"
#include "renew.hh"
#include "restart.hh"
#include "watchdog.hh"
#include <arc/arch.hh>
#include <arc/proto/pager.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <string.h>

namespace rt {

using namespace arc;

namespace {

constexpr unsigned max_members = 1 + max_group;

// The last group checkpoint of a leader: its members and the checkpoint number each pager
// reported for its part (0: not yet). Whole while every part is the member's last checkpoint.
struct Group {
  word leader = 0;   // pid; 0: a free record
  bool whole = false;
  unsigned n = 0;
  word pid[max_members] = {};
  word number[max_members] = {};
  unsigned long long held_at = 0;   // cycles when the hold began (the figure: hold to last part)
};
constexpr unsigned max_groups = 4;
Group groups[max_groups];

Group *group_of(word leader) {
  for (Group &g : groups)
    if (g.leader == leader) return &g;
  return nullptr;
}

bool checkpointable(const Process *q) {
  return q->config && q->service && !q->direct && q->state == root::PState::running;
}

// The leader and the checkpointable processes connected to it. A connected process that cannot
// be checkpointed (no boot line, pager=root) is left out, said once per group operation.
unsigned members_of(Process *leader, Process *out[]) {
  Process *deps[max_group];
  const unsigned n = dependents_of(leader, deps, max_group);
  unsigned k = 0;
  out[k++] = leader;
  for (unsigned i = 0; i < n; ++i) {
    if (checkpointable(deps[i])) out[k++] = deps[i];
    else printf("[monitor] %s: connected %s (pid %lu) is not checkpointed with it\n", leader->name,
                deps[i]->name, deps[i]->pid);
  }
  return k;
}

// The checkpoint message through the monitor's badge (the framework takes it from nobody else),
// to a held thread: taken only if it waits for a message on its endpoint.
bool knock_checkpoint(Process *q) {
  CapSlot tmp = slot_alloc();
  if (!tmp || cap_mint(q->service, boot_cap::space, tmp, rights::send, server_label::monitor_badge) != Status::ok) {
    slot_free(tmp);
    return false;
  }
  Utcb *u = utcb();
  u->mr[0] = Tag(server_label::checkpoint, 1, 0).raw;
  u->mr[1] = pager::checkpoint_group;
  const bool taken = ipc_raw(ipc::send, tmp, 0, ipc::timeouts(0, 0), nullptr) == Status::ok;
  slot_free(tmp);
  return taken;
}

bool busy(const Process *q) { return q->pending_restart || monitor_restarting(q); }

} // namespace

Status group_checkpoint(Process *leader, Process *caller) {
  Process *m[max_members];
  const unsigned n = members_of(leader, m);
  const unsigned long long t0 = arch::cycles();
  for (unsigned i = 0; i < n; ++i) {
    if (m[i] == caller) return Status::invalid_arg;
    if (busy(m[i])) return Status::busy;
  }
  // Held one after the other, each only if it waits for a message (no request in progress, no
  // call of its own): once all are held, none is inside another's request and none can start
  // one, so their states together are one consistent point.
  unsigned held = 0;
  bool quiet = true;
  while (held < n && quiet) {
    const ThreadState was = ThreadState(exchange_registers(m[held]->thread, exregs::halt).r[3]);
    if (was == ThreadState::suspended) {   // someone else holds it: theirs to let go
      quiet = false;
      break;
    }
    ++held;
    quiet = was == ThreadState::recv_blocked;
  }
  // Still held, each is knocked with the checkpoint message (a held thread that waits still
  // takes one): when let go, it takes its checkpoint before any other message. A knock fails
  // only if a client's request came in since the hold; then the parts already knocked are
  // taken, but they are no group's.
  unsigned knocked = 0;
  while (quiet && knocked < n && knock_checkpoint(m[knocked])) ++knocked;
  const bool all = quiet && knocked == n;
  // Nothing knocked: every member keeps its checkpoint, and the last group checkpoint stays
  // whole. Any knock replaces the knocked members' checkpoints: every group checkpoint they were
  // part of (this leader's, another's) is over.
  for (Group &other : groups)
    for (unsigned i = 0; i < other.n && other.whole; ++i)
      for (unsigned k = 0; k < knocked; ++k)
        if (other.pid[i] == m[k]->pid) other.whole = false;
  Group *g = group_of(leader->pid);
  if (!g) g = group_of(0);
  if (!g) g = &groups[leader->pid % max_groups];   // full: one of the others goes
  if (knocked) *g = Group{};
  if (all) {
    g->leader = leader->pid;
    g->whole = true;
    g->held_at = t0;
    g->n = n;
    for (unsigned i = 0; i < n; ++i) g->pid[i] = m[i]->pid;
    char names[96] = {};
    for (unsigned i = 0; i < n; ++i) {
      strncat(names, i ? ", " : "", sizeof(names) - strlen(names) - 1);
      strncat(names, m[i]->name, sizeof(names) - strlen(names) - 1);
    }
    printf("[monitor] %s: group checkpoint of %u servers held at one quiet point: %s\n",
           leader->name, n, names);
  } else if (knocked) {
    printf("[monitor] %s: group checkpoint abandoned: %s took a request while held\n",
           leader->name, m[knocked]->name);
  }
  for (unsigned i = 0; i < held; ++i) (void)exchange_registers(m[i]->thread, exregs::resume);
  return all ? Status::ok : Status::busy;
}

void group_checkpointed(Process *p, word number, word how) {
  for (Group &g : groups) {
    if (!g.leader || !g.whole) continue;
    for (unsigned i = 0; i < g.n; ++i) {
      if (g.pid[i] != p->pid) continue;
      if ((how & pager::checkpoint_group) && number && !g.number[i]) {
        g.number[i] = number;
        bool done = true;
        for (unsigned k = 0; k < g.n; ++k) done &= g.number[k] != 0;
        if (done) {
          const Process *l = process_by_pid(g.leader);
          // Time-stamp-counter ticks: guest instructions on the benchmark machine (-icount).
          printf("[monitor] %s: group checkpoint taken: %u servers, %lu cycles from the hold\n",
                 l ? l->name : "?", g.n, word(arch::cycles() - g.held_at));
        }
      } else {
        g.whole = false;
        const Process *l = process_by_pid(g.leader);
        printf("[monitor] %s: group checkpoint no longer whole: %s %s\n", l ? l->name : "?",
               p->name, number ? "checkpointed alone" : "lost its checkpoint");
      }
    }
  }
}

Status group_restore(Process *leader, Process *caller) {
  Group *g = group_of(leader->pid);
  if (!g || !g->whole) return Status::not_supported;
  Process *m[max_members];
  for (unsigned i = 0; i < g->n; ++i) {
    Process *q = process_by_pid(g->pid[i]);
    // Gone, restarted cold (another pid) or swapped (its checkpoint dropped): no longer whole.
    if (!q || !checkpointable(q) || (g->number[i] && q->checkpoint != g->number[i])) {
      g->whole = false;
      return Status::not_supported;
    }
    if (q == caller) return Status::invalid_arg;
    if (!g->number[i] || busy(q)) return Status::busy;
    m[i] = q;
  }
  // All held before any is restored: a member restored first must not call one still running
  // with the state it is leaving. One that waits for a message is given the heartbeat, so that
  // a client's request waits at the endpoint for the restored server (as restore_asked does).
  for (unsigned i = 0; i < g->n; ++i) {
    const ThreadState was = ThreadState(exchange_registers(m[i]->thread, exregs::halt).r[3]);
    if (was == ThreadState::recv_blocked) (void)knock(m[i]);
  }
  printf("[monitor] %s: group restore of %u servers to their group checkpoint\n", leader->name, g->n);
  for (unsigned i = 0; i < g->n; ++i) {
    monitor_restore_asked(m[i]);
    ask_pager(m[i], root::Action::restore, 0);
  }
  return Status::ok;
}

} // namespace rt
