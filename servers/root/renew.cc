#include "renew.hh"
#include "monitor.hh"
#include "restart.hh"
#include "watchdog.hh"
#include <arc/proto/pager.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

namespace rt {

using namespace arc;

namespace {

// Hold p at a quiet point: true when its thread waits for a message on its endpoint and is now
// held there (exregs halt). It is held before the monitor's heartbeat is sent: taking the
// heartbeat shows it was waiting (a request in progress, a reply owed or a call of its own would
// have it elsewhere), and held, it cannot run back to its receive and take a client's request
// before the restart. Clients' calls wait at the endpoint meanwhile and reach the restarted
// server. False, and the thread let go again, when it is busy: try at a later tick.
bool hold_at_quiet_point(Process *p) {
  if (thread_state(p->thread) != ThreadState::recv_blocked) return false;   // busy: leave it alone
  const ThreadState was = ThreadState(exchange_registers(p->thread, exregs::halt).r[3]);
  if (was == ThreadState::suspended) return false;   // someone else holds it: theirs to let go
  if (was == ThreadState::recv_blocked && knock(p)) return true;
  (void)exchange_registers(p->thread, exregs::resume);
  return false;
}

// Carry out the monitor's decision for p, held at a quiet point: never a cold restart.
void renew(Process *p, root::Action kind) {
  if (kind == root::Action::hot) return ask_pager(p, kind, 0);
  if (kind == root::Action::warm) {
    const CapSlot old_space = p->space;
    CapSlot carried = 0;
    if (restart_warm(p, &carried)) return ask_pager(p, kind, carried);   // carried: 0, no caller
    if (p->space != old_space) {
      // Failed half-way: the old space is gone, so it cannot go on as it was.
      printf("[monitor] %s: warm renewal failed half-way: cold restart instead\n", p->name);
      (void)restart_cold(p);
      return;
    }
    // No new space could be made: the server goes on untouched.
    printf("[monitor] %s (pid %lu): renewal abandoned: it goes on as it was\n", p->name, p->pid);
    monitor_renew_abandoned(p);
  }
  (void)exchange_registers(p->thread, exregs::resume);
}

} // namespace

bool renews(const Process *p) {
  // Renewals go through the process's own pager (pager=root processes are never restarted in
  // place) and need its endpoint for the quiet-point knock.
  return p->config && p->state == root::PState::running && p->service && !p->direct &&
         (p->config->renew_pages || p->config->renew_every_ms);
}

bool renew_tick(Process *p, word now) {
  if (!renews(p)) return false;
  if (p->pending_restart || monitor_restarting(p)) return true;
  if (!p->renew_seen) {   // its period starts with the first look
    p->renew_seen = true;
    p->renew_since = now;
  }
  const bootcfg::Server &cfg = *p->config;
  // The pages it holds, as its pager counts them (ps shows the same): asked every tick only
  // when they decide; when the period decides, asked once for the log.
  word counts[4] = {};
  word pages = ~word(0);
  const bool by_pages = cfg.renew_pages && !p->renew_pages_off;
  if (by_pages && page_counts(p, counts)) pages = counts[0];
  RenewReason why{};
  if (by_pages && pages != ~word(0) && pages > cfg.renew_pages) {
    why = {true, pages, cfg.renew_pages};
  } else if (cfg.renew_every_ms && now - p->renew_since >= cfg.renew_every_ms) {
    why = {false, now - p->renew_since, cfg.renew_every_ms};
    if (!by_pages && page_counts(p, counts)) pages = counts[0];
  } else {
    p->renew_waits = 0;
    return false;
  }
  if (!hold_at_quiet_point(p)) {
    ++p->renew_waits;   // due, but busy: the next tick tries again
    return false;
  }
  if (p->renew_waits)
    printf("[monitor] %s (pid %lu): renewal due, busy for %lu tick%s before a quiet point\n",
           p->name, p->pid, p->renew_waits, p->renew_waits == 1 ? "" : "s");
  p->renew_waits = 0;
  p->renew_pages_before = pages;
  p->renew_since = now;
  renew(p, monitor_renew(p, why));
  return true;
}

Status swap_online(Process *p, const Module *to) {
  if (!hold_at_quiet_point(p)) return Status::busy;   // serving: the shell asks again
  monitor_swap_asked(p, to->name);
  const CapSlot old_space = p->space;
  CapSlot carried = 0;
  if (restart_swap(p, to, &carried)) {
    ask_pager(p, root::Action::swap, carried);   // carried: 0, no caller at a quiet point
    return Status::ok;
  }
  monitor_renew_abandoned(p);
  if (p->space != old_space) {
    printf("[monitor] %s: swap failed half-way: cold restart instead\n", p->name);
    (void)restart_cold(p);
    return Status::no_memory;
  }
  printf("[monitor] %s (pid %lu): swap abandoned: it goes on as it was\n", p->name, p->pid);
  (void)exchange_registers(p->thread, exregs::resume);
  return Status::no_memory;
}

bool checkpoints(const Process *p) {
  return p->config && p->config->checkpoint_ms && p->state == root::PState::running &&
         p->service && !p->direct;
}

bool checkpoint_knock(Process *p, word how) {
  if (thread_state(p->thread) != ThreadState::recv_blocked) return false;
  // Through the monitor's badge: the framework takes a checkpoint knock from nobody else.
  CapSlot tmp = slot_alloc();
  if (!tmp || cap_mint(p->service, boot_cap::space, tmp, rights::send, server_label::monitor_badge) != Status::ok) {
    slot_free(tmp);
    return false;
  }
  Utcb *u = utcb();
  u->mr[0] = Tag(server_label::checkpoint, 1, 0).raw;
  u->mr[1] = how;
  const bool taken = ipc_raw(ipc::send, tmp, 0, ipc::timeouts(0, 0), nullptr) == Status::ok;
  slot_free(tmp);
  return taken;
}

void checkpoint_tick(Process *p, word now) {
  if (!checkpoints(p) || p->pending_restart || monitor_restarting(p)) return;
  if (!p->checkpoint_seen) {   // the period starts with the first look
    p->checkpoint_seen = true;
    p->checkpoint_since = now;
  }
  if (now - p->checkpoint_since < p->config->checkpoint_ms) return;
  if (checkpoint_knock(p, pager::checkpoint_periodic)) p->checkpoint_since = now;   // else busy: the next tick tries again
}

namespace {
void restore_now(Process *p, root::Cause cause) {
  // Held until its pager restores it: no request is served by the state it is leaving. A held
  // thread waiting for a message still takes one: if it waits, the monitor's heartbeat is what
  // it takes, so that a client's request waits at the endpoint for the restored server (taken
  // by the old one, it would be lost with its registers and answered `cancelled`).
  const ThreadState was = ThreadState(exchange_registers(p->thread, exregs::halt).r[3]);
  if (was == ThreadState::recv_blocked) (void)knock(p);
  monitor_restore_asked(p, cause);
  ask_pager(p, root::Action::restore, 0);
}
} // namespace

void restore_asked(Process *p) { restore_now(p, root::Cause::restore_asked); }
void restore_loaded(Process *p) { restore_now(p, root::Cause::restore_loaded); }

void renew_done(Process *p, bool renewal, word pages) {
  p->renew_since = now_ms();
  if (!renewal || pages == ~word(0)) return;
  const word before = p->renew_pages_before;
  if (before != ~word(0))
    printf("[monitor] %s (pid %lu): renewed: %lu pages before, %lu after\n", p->name, p->pid,
           before, pages);
  const uint32_t limit = p->config ? p->config->renew_pages : 0;
  if (limit && pages >= limit && !p->renew_pages_off) {
    // What is left right after a renewal is persistent: no renewal can bring it below the limit.
    p->renew_pages_off = true;
    printf("[monitor] %s: %lu persistent pages, renew-pages=%lu cannot be met: renewals by page "
           "count off\n", p->name, pages, word(limit));
  }
}

} // namespace rt
