#include "monitor.hh"
#include "domain.hh"
#include "renew.hh"
#include "watchdog.hh"
#include <arc/sys.hh>
#include <string.h>

namespace rt {

using namespace arc;
using arc::root::Action;
using arc::root::Cause;
using arc::root::Outcome;

namespace {

constexpr unsigned log_size = 64;
LogEntry log_ring[log_size];
unsigned log_count;

struct History {
  const bootcfg::Server *config = nullptr;
  unsigned rung = 0;          // index into the restart ladder
  word times[16] = {};        // ticks of recent restarts with the current rung
  unsigned n_times = 0;
  word restarts = 0;
};
History histories[bootcfg::max_servers];

History &history_of(const bootcfg::Server *cfg) {
  for (History &h : histories)
    if (h.config == cfg) return h;
  for (History &h : histories)
    if (!h.config) { h.config = cfg; return h; }
  return histories[0];
}

const char *cause_name(Cause c) {
  switch (c) {
  case Cause::crash: return "crash";
  case Cause::exception: return "exception";
  case Cause::panic: return "panic";
  case Cause::hang: return "hang";
  case Cause::corrupt: return "corrupt persistent memory";
  case Cause::exit: return "exit";
  case Cause::group: return "group";
  case Cause::renew: return "renew";
  case Cause::killed: return "killed";
  case Cause::complaint: return "complaint";
  case Cause::dead_thread: return "dead thread";
  case Cause::deadlock: return "deadlock";
  case Cause::loop: return "loop";
  case Cause::pager: return "its pager failed";
  case Cause::swap_asked: return "swap asked";
  case Cause::checkpoint: return "checkpoint";
  case Cause::restore_asked: return "restore asked";
  case Cause::checkpoint_saved: return "checkpoint saved";
  case Cause::restore_loaded: return "restore loaded";
  }
  return "?";
}

const char *action_name(Action a) {
  switch (a) {
  case Action::hot: return "hot";
  case Action::warm: return "warm";
  case Action::cold: return "cold";
  case Action::group: return "group";
  case Action::stop: return "stop";
  case Action::domain: return "domain";
  case Action::swap: return "swap";
  case Action::restore: return "restore";
  case Action::checkpoint: return "checkpoint";
  }
  return "?";
}

Action action_of(bootcfg::RestartKind k) {
  switch (k) {
  case bootcfg::RestartKind::hot: return Action::hot;
  case bootcfg::RestartKind::warm: return Action::warm;
  case bootcfg::RestartKind::cold: return Action::cold;
  case bootcfg::RestartKind::group: return Action::group;
  case bootcfg::RestartKind::swap: return Action::swap;
  case bootcfg::RestartKind::restore: return Action::restore;
  }
  return Action::stop;
}

// The newest entry of pid's that is not done yet, if it is still in the ring.
LogEntry *pending_entry(word pid) {
  for (unsigned i = log_count; i-- > 0 && log_count - i <= log_size;)
    if (LogEntry &e = log_ring[i % log_size]; e.pid == pid && e.outcome == Outcome::pending)
      return &e;
  return nullptr;
}

LogEntry &append(Process *p, Cause cause, Action action) {
  LogEntry &e = log_ring[log_count++ % log_size];
  e = LogEntry{};
  e.pid = p->pid;
  for (unsigned i = 0; i + 1 < sizeof(e.name) && p->name[i]; ++i) e.name[i] = p->name[i];
  e.cause = cause;
  e.action = action;
  return e;
}

// What the policy says when its ladder is exhausted, beyond stopping the server (which the
// caller does when this returns).
void exhausted(Process *p, Cause cause, bootcfg::OnExhausted what) {
  switch (what) {
  case bootcfg::OnExhausted::stop:
    return;
  case bootcfg::OnExhausted::domain:
    // Logged as pending until it is carried out (monitor_domain_done).
    if (domain_restart_later(p, p->config ? p->config->backoff_ms : 0)) append(p, cause, Action::domain);
    return;
  case bootcfg::OnExhausted::reboot:
    return reboot_machine(p->name);
  }
}

} // namespace

Decision monitor_decide(Process *p, Cause cause, word addr, word ip) {
  const bootcfg::Server *cfg = p->config;
  // A program without a restart policy that ends is done, not failed: nothing to log.
  if (cause == Cause::exit && (!cfg || !cfg->nrestart)) return {Action::stop, 0};
  if (!cfg || !cfg->nrestart) {
    append(p, cause, Action::stop).outcome = Outcome::done;
    printf("[monitor] %s (pid %lu): %s at %lx ip %lx; no restart policy: stopped\n", p->name,
           p->pid, cause_name(cause), addr, ip);
    return {Action::stop, 0};
  }
  History &h = history_of(cfg);
  // Restart intensity: at most R restarts of the current kind within T ms; past that, the next
  // kind of the ladder; past the ladder, what the policy says.
  const word now = now_ms();
  unsigned kept = 0;
  for (unsigned i = 0; i < h.n_times; ++i)
    if (now - h.times[i] <= cfg->intensity_ms) h.times[kept++] = h.times[i];
  h.n_times = kept;
  if (h.n_times >= cfg->intensity_restarts) {
    ++h.rung;
    h.n_times = 0;
    if (h.rung < cfg->nrestart)
      printf("[monitor] %s: %u restarts in %u ms: escalating to %s restarts\n", p->name,
             unsigned(cfg->intensity_restarts), unsigned(cfg->intensity_ms),
             action_name(action_of(cfg->restart[h.rung])));
  }
  // Damaged persistent memory cannot be kept, nor what a failed pager held (the process's pages
  // and persistent memory are its pager's): hot and warm restarts, which keep them, are passed
  // over for the first cold or group rung.
  if (cause == Cause::corrupt || cause == Cause::pager) {
    const unsigned from = h.rung;
    // A swap needs the pager: passed over as well when the pager failed. Damaged persistent
    // memory does not rule it out: the new program starts from its own image's .pdata, and the
    // framework's area it is given is checked again when it starts (ServerCore::Begin). So a
    // program whose first start fails (fault injection: a bug in PATA's Initialize) can still
    // be swapped for its alternate instead of restarted cold into the same bug.
    while (h.rung < cfg->nrestart && (cfg->restart[h.rung] == bootcfg::RestartKind::hot ||
                                      cfg->restart[h.rung] == bootcfg::RestartKind::warm ||
                                      (cause == Cause::pager &&
                                       cfg->restart[h.rung] == bootcfg::RestartKind::swap)))
      ++h.rung;
    if (h.rung != from) {
      h.n_times = 0;
      printf("[monitor] %s: %s: hot and warm restarts passed over\n", p->name,
             cause == Cause::corrupt ? "persistent memory is corrupt" : "its pager failed");
    }
  }
  // A restore needs a checkpoint: without one its rung is passed over (the next failure finds it
  // again if one is taken meanwhile: the rung is left only for this failure).
  unsigned rung = h.rung;
  while (rung < cfg->nrestart && cfg->restart[rung] == bootcfg::RestartKind::restore && !p->checkpoint) {
    printf("[monitor] %s: no checkpoint to restore: restore passed over\n", p->name);
    ++rung;
  }
  if (rung >= cfg->nrestart) {
    append(p, cause, Action::stop).outcome = Outcome::done;
    printf("[monitor] %s (pid %lu): %s; restart policy exhausted (%s)\n", p->name, p->pid,
           cause_name(cause), bootcfg::name_of(cfg->on_exhausted));
    exhausted(p, cause, cfg->on_exhausted);
    printf("[monitor] %s: stopped\n", p->name);
    return {Action::stop, 0};
  }
  Action a = action_of(cfg->restart[rung]);
  // The back-off: backoff= each time, or, with backoff-max=, doubled for each restart of this
  // kind still in the intensity window (a server that keeps failing waits longer and longer;
  // one that has been well for a window starts again from backoff=).
  word backoff = cfg->backoff_ms;
  for (unsigned i = 0; cfg->backoff_max_ms && i < h.n_times && backoff < cfg->backoff_max_ms; ++i)
    backoff *= 2;
  if (cfg->backoff_max_ms && backoff > cfg->backoff_max_ms) backoff = cfg->backoff_max_ms;
  if (h.n_times < 16) h.times[h.n_times++] = now;
  ++h.restarts;
  p->restarts = h.restarts;
  append(p, cause, a);
  printf("[monitor] %s (pid %lu): %s at %lx ip %lx; %s restart #%lu\n", p->name, p->pid,
         cause_name(cause), addr, ip, action_name(a), h.restarts);
  if (backoff) printf("[monitor] %s: back-off %lu ms before the restart\n", p->name, backoff);
  return {a, backoff};
}

Action monitor_member(Process *c, Process *leader) {
  const bootcfg::Server *cfg = c->config;
  if (!cfg || !cfg->nrestart) {
    printf("[monitor] %s (pid %lu): connected to %s, no restart policy: left alone\n", c->name,
           c->pid, leader->name);
    return Action::stop;
  }
  History &h = history_of(cfg);
  const Action a = action_of(cfg->restart[h.rung < cfg->nrestart ? h.rung : cfg->nrestart - 1]);
  ++h.restarts;
  c->restarts = h.restarts;
  append(c, Cause::group, a);
  printf("[monitor] %s (pid %lu): restarted with %s (group); %s restart #%lu\n", c->name, c->pid,
         leader->name, action_name(a), h.restarts);
  return a;
}

Action monitor_renew(Process *p, const RenewReason &why) {
  const bootcfg::Server *cfg = p->config;
  // The first rung that clients do not notice; the ladder's position is left alone (a renewal
  // says nothing about how well the current rung works).
  Action a = Action::stop;
  for (unsigned i = 0; cfg && i < cfg->nrestart && a == Action::stop; ++i) {
    const bootcfg::RestartKind k = cfg->restart[i];
    if (k == bootcfg::RestartKind::hot || k == bootcfg::RestartKind::warm) a = action_of(k);
  }
  if (a == Action::stop) {
    printf("[monitor] %s (pid %lu): renewal due, but no hot or warm restart in its policy\n",
           p->name, p->pid);
    return a;
  }
  // Counted as a restart (the process's information page counts it too), never in the
  // intensity's window: only failures may escalate.
  History &h = history_of(cfg);
  ++h.restarts;
  p->restarts = h.restarts;
  append(p, Cause::renew, a);
  if (why.by_pages)
    printf("[monitor] %s (pid %lu): renew: %lu pages, over renew-pages=%lu; %s restart #%lu at a "
           "quiet point (not a failure)\n", p->name, p->pid, why.value, why.limit, action_name(a),
           h.restarts);
  else
    printf("[monitor] %s (pid %lu): renew: %lu ms since its last start (renew-every=%lums); %s "
           "restart #%lu at a quiet point (not a failure)\n", p->name, p->pid, why.value, why.limit,
           action_name(a), h.restarts);
  return a;
}

void monitor_swap_asked(Process *p, const char *program) {
  // Counted as a restart, never in the intensity's window (not a failure), the ladder left alone.
  History &h = history_of(p->config);
  ++h.restarts;
  p->restarts = h.restarts;
  append(p, Cause::swap_asked, Action::swap);
  printf("[monitor] %s (pid %lu): swap from %s to %s asked; swap restart #%lu at a quiet point "
         "(not a failure)\n", p->name, p->pid, p->program, program, h.restarts);
}

void monitor_checkpointed(Process *p, word number, word copied, word clean, word cycles) {
  p->checkpoint = number;
  (void)copied;
  (void)clean;
  // The server's newest entry, if it is a checkpoint, becomes this one: a server's checkpoints
  // since its last restart share one entry (a period of 100 ms would push every restart out of
  // the log within seconds otherwise).
  LogEntry *last = nullptr;
  for (unsigned i = log_count; i-- > 0 && log_count - i <= log_size && !last;)
    if (log_ring[i % log_size].pid == p->pid) last = &log_ring[i % log_size];
  LogEntry &e = last && last->cause == Cause::checkpoint ? *last
                                                         : append(p, Cause::checkpoint, Action::checkpoint);
  e.insns = cycles;
  e.outcome = number ? Outcome::done : Outcome::abandoned;
}

void monitor_restore_asked(Process *p, Cause cause) {
  History &h = history_of(p->config);
  ++h.restarts;
  p->restarts = h.restarts;
  append(p, cause, Action::restore);
  if (cause == Cause::restore_loaded)
    printf("[monitor] %s (pid %lu): checkpoint loaded from a file as #%lu; restore restart #%lu "
           "(not a failure)\n", p->name, p->pid, p->checkpoint, h.restarts);
  else
    printf("[monitor] %s (pid %lu): restore to checkpoint #%lu asked; restore restart #%lu (not a "
           "failure)\n", p->name, p->pid, p->checkpoint, h.restarts);
}

void monitor_checkpoint_saved(Process *p, word number, word bytes) {
  LogEntry &e = append(p, Cause::checkpoint_saved, Action::checkpoint);
  e.outcome = Outcome::done;
  printf("[monitor] %s (pid %lu): checkpoint #%lu written out as a file of %lu bytes\n", p->name,
         p->pid, number, bytes);
}

void monitor_renew_abandoned(Process *p) {
  if (LogEntry *e = pending_entry(p->pid)) e->outcome = Outcome::abandoned;
}

bool monitor_restarting(const Process *p) { return pending_entry(p->pid) != nullptr; }

void monitor_restarted(Process *p, word insns, Action kind, word pages) {
  LogEntry *e = pending_entry(p->pid);
  const bool renewal = e && e->cause == Cause::renew;
  if (e) {
    e->outcome = Outcome::done;
    e->insns = insns;
  }
  // Time-stamp-counter ticks: guest instructions on the benchmark machine (-icount).
  printf("[monitor] %s (pid %lu): %s restart done in %lu cycles\n", p->name, p->pid,
         action_name(kind), insns);
  renew_done(p, renewal, pages);
}

bool monitor_log(unsigned index, LogEntry *out) {
  const unsigned n = log_count < log_size ? log_count : log_size;
  if (index >= n) return false;
  *out = log_ring[(log_count - n + index) % log_size];
  return true;
}

void monitor_domain_done(word pid) {
  if (LogEntry *e = pending_entry(pid)) e->outcome = Outcome::done;
}

void monitor_forget_histories() {
  for (History &h : histories) h = History{};
}

void monitor_moved(Process *from, Process *to) {
  to->restarts = from->restarts;
  // The restart that made `to` is done.
  if (LogEntry *e = pending_entry(from->pid)) e->outcome = Outcome::done;
}

} // namespace rt
