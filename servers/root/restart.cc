#include "restart.hh"
#include "monitor.hh"
#include "names_restart.hh"
#include "watchdog.hh"
#include <arc/proto/names.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/pager_info.hh>
#include <arc/proto/process.hh>
#include <arc/sys.hh>
#include <string.h>

namespace rt {

using namespace arc;

namespace {
bool ok(Status s) { return s == Status::ok; }
bool restarts_pending;   // some pager still has to be told (the loop's fast path)

// A question to the name service, answered within 100 ms or not at all (it must never hold up
// the root task: its own pager may be waiting for us).
bool ask_names(word label, word index) {
  const CapSlot ep = names_endpoint();
  if (!ep) return false;
  Utcb *u = utcb();
  u->mr[0] = Tag(label, 1, 0).raw;
  u->mr[1] = index;
  return ok(ipc_raw(ipc::send | ipc::call, ep, 0, ipc::timeouts(100, 100), nullptr)) &&
         u->mr[1] == word(Status::ok);
}

constexpr unsigned name_bytes = names::name_words * sizeof(word);
} // namespace

unsigned dependents_of(Process *p, Process *out[], unsigned max) {
  char published[8][name_bytes];
  unsigned n_pub = 0;
  Utcb *u = utcb();
  for (word i = 0; n_pub < 8 && ask_names(names::list, i); ++i)
    if (u->mr[2] == p->pid) proc::unpack(&u->mr[4], names::name_words, published[n_pub++], name_bytes);
  unsigned n = 0;
  for (word i = 0; n < max && ask_names(names::connections, i); ++i) {
    char server[name_bytes];
    proc::unpack(&u->mr[3], names::name_words, server, name_bytes);
    Process *c = process_by_pid(u->mr[2]);
    if (!c || c == p || c->state != arc::root::PState::running) continue;
    bool connected = false;
    for (unsigned k = 0; k < n_pub; ++k) connected |= !strcmp(published[k], server);
    for (unsigned k = 0; k < n; ++k) connected &= out[k] != c;
    if (connected) out[n++] = c;
  }
  return n;
}

// Ask c's pager to restart it (hot, or warm after restart_warm). A pager blocked on us (its call
// to the root task: frames, a report) can take the message only after our reply, so it stays
// pending and the loop delivers it once it has answered. Any other pager is on its way back to
// its receive (it runs, or is between two faults of its client): we wait for it a little. With a
// zero timeout, a pager that had just been answered was still not receiving, and a restart asked
// by the shell's `kill` was left pending with nothing to come that would have tried again.
void ask_pager(Process *c, root::Action kind, word carried) {
  const ThreadState s = thread_state(c->pager_thread);
  const bool blocked_on_us = s == ThreadState::send_blocked || s == ThreadState::wait_reply;
  Utcb *u = utcb();
  u->mr[0] = Tag(pager::restart, 2, 0).raw;
  u->mr[1] = word(kind);
  u->mr[2] = carried;
  constexpr word pager_wait_ms = 20;
  if (!blocked_on_us &&
      ok(ipc_raw(ipc::send, c->fault_ep, 0, ipc::timeouts(pager_wait_ms, 0), nullptr))) {
    c->pending_restart = 0;
  } else {
    c->pending_restart = 1 + word(kind);
    c->pending_carried = carried;
    restarts_pending = true;
  }
}

bool restarts_waiting() { return restarts_pending; }

namespace {

void restart_members(Process *leader, Process *members[], unsigned n, unsigned depth);

void restart_member(Process *leader, Process *c, unsigned depth) {
  const root::Action kind = monitor_member(c, leader);
  if (kind == root::Action::hot) return ask_pager(c, kind, 0);
  if (kind == root::Action::warm) {
    CapSlot carried = 0;
    if (restart_warm(c, &carried)) return ask_pager(c, kind, carried);
  }
  if (kind == root::Action::swap) {
    CapSlot carried = 0;
    const Module *to = next_program(c);
    if (to && restart_swap(c, to, &carried)) return ask_pager(c, kind, carried);
  }
  if (kind == root::Action::restore && c->checkpoint) return ask_pager(c, kind, 0);
  if (kind == root::Action::stop) {   // no policy: it goes on and sees the reset itself
    (void)exchange_registers(c->thread, exregs::resume);
    return;
  }
  // Cold: its own clients would see the reset; they come along (a bounded depth).
  Process *deps[max_group];
  const unsigned n = depth < 3 ? dependents_of(c, deps, max_group) : 0;
  for (unsigned i = 0; i < n; ++i) (void)exchange_registers(deps[i]->thread, exregs::halt);
  Process *q = restart_cold(c);
  restart_members(q ? q : c, deps, n, depth + 1);
}

void restart_members(Process *leader, Process *members[], unsigned n, unsigned depth) {
  for (unsigned i = 0; i < n; ++i) restart_member(leader, members[i], depth);
}
} // namespace

namespace {
// A new space and main thread for p, before anything moves into them: the space's own slots and
// the thread bound to it, paged and handled by p's pager, at p's priority.
bool set_up(Process *p, CapSlot space, CapSlot thread) {
  const uint8_t prio = p->config ? p->config->prio : bootcfg::default_prio;
  return ok(cap_copy(space, space, proc::space, rights::all)) &&
         ok(cap_copy(thread, space, proc::thread, rights::all)) &&
         ok(thread_ctl(thread, ThreadOp::bind_space, space)) &&
         ok(thread_ctl(thread, ThreadOp::set_pager, p->fault_send)) &&
         ok(thread_ctl(thread, ThreadOp::set_handler, p->fault_send)) &&
         ok(thread_ctl(thread, ThreadOp::set_priority, prio, 0));
}

// Whether p's policy (or its renewals, which restart by its first hot or warm kind) may ever
// take a new space: a warm restart or a swap.
bool may_restart_warm(const Process *p) {
  if (p->direct || !p->config) return false;
  for (unsigned i = 0; i < p->config->nrestart; ++i)
    if (p->config->restart[i] == bootcfg::RestartKind::warm ||
        p->config->restart[i] == bootcfg::RestartKind::swap)
      return true;
  return false;
}
} // namespace

void prepare_spare(Process *p) {
  if ((p->spare_space && p->spare_thread) || !may_restart_warm(p) || !p->factory) return;
  CapSlot space = slot_alloc(), thread = slot_alloc();
  if (space && thread && ok(create(p->factory, ObjType::space, space, cspace_log2)) &&
      ok(create(p->factory, ObjType::thread, thread)) && set_up(p, space, thread)) {
    p->spare_space = space;
    p->spare_thread = thread;
    return;
  }
  slot_free(thread);   // no memory now: the restart tries again (and says so if it cannot)
  slot_free(space);
}

bool restart_warm(Process *p, CapSlot *carried) {
  *carried = 0;
  if (p->direct) return false;   // the root task pages it: nothing keeps its persistent pages
  // Hold the thread (it is in its fault IPC to the pager), and keep its caller's reply right
  // before the thread goes: destroying a thread that still holds it would fail the caller.
  (void)exchange_registers(p->thread, exregs::halt | exregs::abort_ipc);
  CapSlot saved = slot_alloc();
  const bool have_reply = saved && ok(thread_ctl(p->thread, ThreadOp::save_reply, saved));

  // The spare made in advance (prepare_spare), or new ones now.
  CapSlot space = p->spare_space, thread = p->spare_thread;
  const bool spare = space && thread;
  p->spare_space = p->spare_thread = 0;
  if (!spare) {
    slot_free(space);
    slot_free(thread);
    space = slot_alloc();
    thread = slot_alloc();
  }
  if (!spare && (!space || !thread || !ok(create(p->factory, ObjType::space, space, cspace_log2)) ||
                 !ok(create(p->factory, ObjType::thread, thread)))) {
    printf("[monitor] %s: no memory for a new space: warm restart impossible\n", p->name);
    slot_free(space);
    slot_free(thread);
    slot_free(saved);   // its caller hears partner_gone, as in the cold restart that follows
    return false;
  }
  // Everything the process holds moves, in the same slots, except its old space and thread.
  const word slots = word(1) << cspace_log2;
  static_assert(proc::space == 1 && proc::thread == 2, "slots 1 and 2 stay behind");
  (void)cap_take(p->space, proc::thread + 1, space, proc::thread + 1, slots - proc::thread - 1);
  if (have_reply)
    for (CapSlot s = proc::carried_reply; s < proc::first_resource && !*carried; ++s)
      if (ok(cap_move(saved, space, s))) *carried = s;
  slot_free(saved);

  // The old process goes: its space with every mapping of the old image, its thread. The pager's
  // capabilities to them go too (derived from ours). Later (drop_old_space): the pager's are
  // taken out of its slots now, for the new ones; the old thread is held and has no capabilities.
  drop_old_space(p);   // a previous restart's, not reported done
  CapSlot pager_space = slot_alloc(), pager_thread = slot_alloc();
  if (pager_space && pager_thread &&
      cap_take(p->pager_space, p3::client_space, boot_cap::space, pager_space, 1).ok() &&
      cap_take(p->pager_space, p3::client_thread, boot_cap::space, pager_thread, 1).ok()) {
    p->old_space = p->space;
    p->old_thread = p->thread;
    p->old_pager_space = pager_space;
    p->old_pager_thread = pager_thread;
    p->space = p->thread = 0;
  } else {
    slot_free(pager_space);
    slot_free(pager_thread);
    slot_free(p->thread);
    slot_free(p->space);
  }
  p->space = space;
  p->thread = thread;
  if ((spare || set_up(p, space, thread)) &&
      ok(cap_copy(space, p->pager_space, p3::client_space, rights::all)) &&
      ok(cap_copy(thread, p->pager_space, p3::client_thread, rights::all)))
    return true;
  printf("[monitor] %s: cannot set up the new space: warm restart impossible\n", p->name);
  return false;
}

void drop_old_space(Process *p) {
  slot_free(p->old_pager_thread);
  slot_free(p->old_pager_space);
  slot_free(p->old_thread);
  slot_free(p->old_space);
}

namespace {
// Where program m is in p's pager's space, mapped there (for the pager, by us as its pager) at
// the first swap to it; 0 when it cannot be.
word image_window(Process *p, const Module *m) {
  constexpr unsigned n = sizeof(p->images) / sizeof(p->images[0]);
  auto at = [](unsigned i) { return i ? p3::alt_image_base + (i - 1) * p3::alt_image_stride : p3::image_base; };
  for (unsigned i = 0; i < n; ++i)
    if (p->images[i] == m) return at(i);
  if (m->offset || m->size > p3::alt_image_stride) return 0;
  for (unsigned i = 1; i < n; ++i) {
    if (p->images[i]) continue;
    if (!p->pager_image.add_fixed(at(i), m->addr, (m->size + 0xfff) & ~word(0xfff),
                                  fpage_rights::r | fpage_rights::x))
      return 0;
    p->images[i] = m;
    return at(i);
  }
  return 0;
}
} // namespace

const Module *next_program(const Process *p) {
  const bootcfg::Server *cfg = p->config;
  if (!cfg || !cfg->nalternates) return nullptr;
  const unsigned n = 1 + cfg->nalternates;
  auto name = [cfg](unsigned i) { return i ? cfg->alternates[i - 1] : cfg->program; };
  unsigned now = 0;
  for (unsigned i = 0; i < n; ++i)
    if (!strncmp(name(i), p->program, sizeof(p->program) - 1)) now = i;
  for (unsigned k = 1; k < n; ++k)
    if (const Module *m = module_find(name((now + k) % n)); m && !m->offset) return m;
  return nullptr;
}

bool restart_swap(Process *p, const Module *to, CapSlot *carried) {
  *carried = 0;
  const word at = image_window(p, to);
  if (!at) {
    printf("[monitor] %s: program '%s' cannot be shown to its pager: swap impossible\n", p->name,
           to->name);
    return false;
  }
  if (!restart_warm(p, carried)) return false;
  // The pager reads where the program is once we answer it (or ask it: pager::restart).
  auto *pi = reinterpret_cast<p3::Info *>(p->pager_info);
  pi->image_at = at;
  pi->image_size = to->size;
  strncpy(pi->program, to->name, sizeof(pi->program) - 1);
  pi->program[sizeof(pi->program) - 1] = 0;
  strncpy(p->program, to->name, sizeof(p->program) - 1);
  p->program[sizeof(p->program) - 1] = 0;
  p->checkpoint = 0;   // its pager drops the other program's checkpoint
  return true;
}

void restart_group(Process *p) {
  Process *deps[max_group];
  const unsigned n = dependents_of(p, deps, max_group);
  // Hold them all before the leader goes: a member blocked in a call to it would otherwise wake
  // with partner_gone and answer its own clients with an error.
  for (unsigned i = 0; i < n; ++i) (void)exchange_registers(deps[i]->thread, exregs::halt);
  char leader[24];
  strncpy(leader, p->name, sizeof(leader));
  printf("[monitor] %s: group restart with %u connected process%s\n", leader, n, n == 1 ? "" : "es");
  Process *q = restart_cold(p);   // the dependency root first
  restart_members(q ? q : p, deps, n, 1);
}

void carry_out(Process *p, root::Action action) {
  switch (action) {
  case root::Action::hot:
    return ask_pager(p, action, 0);
  case root::Action::warm: {
    CapSlot carried = 0;
    if (restart_warm(p, &carried)) return ask_pager(p, action, carried);
    printf("[monitor] %s: warm restart failed: cold restart instead\n", p->name);
    (void)restart_cold(p);
    return;
  }
  case root::Action::swap: {
    CapSlot carried = 0;
    const Module *to = next_program(p);
    if (to && restart_swap(p, to, &carried)) return ask_pager(p, action, carried);
    printf("[monitor] %s: swap failed: cold restart instead\n", p->name);
    (void)restart_cold(p);
    return;
  }
  case root::Action::restore:   // (the monitor chose it: p has a checkpoint) held, its pager restores it
    (void)exchange_registers(p->thread, exregs::halt);
    return ask_pager(p, action, 0);
  case root::Action::cold:
    (void)restart_cold(p);
    return;
  case root::Action::group:
    return restart_group(p);
  case root::Action::checkpoint:   // never decided: the log's only
  case root::Action::stop:
  case root::Action::domain:   // the domain restart comes later, from the root task's loop
    kill(p);
    return;
  }
}

void deliver_pending_restarts() {
  if (!restarts_pending) return;
  restarts_pending = false;   // ask_pager sets it again for any it cannot reach
  unsigned n;
  Process *t = process_table(&n);
  bool any = false;
  for (unsigned i = 0; i < n; ++i)
    any |= t[i].pid && t[i].pending_restart && t[i].state == arc::root::PState::running;
  if (!any) return;
  // The caller's reply may be waiting in the message registers.
  Utcb *u = utcb();
  word saved[mr_count];
  for (unsigned i = 0; i < mr_count; ++i) saved[i] = u->mr[i];
  for (unsigned k = 0; Process *c = process_at(k); ++k)
    if (c->pending_restart && c->state == arc::root::PState::running)
      ask_pager(c, root::Action(c->pending_restart - 1), c->pending_carried);
  for (unsigned i = 0; i < mr_count; ++i) u->mr[i] = saved[i];
}

Process *restart_cold(Process *p) {
  const bootcfg::Server *cfg = p->config;
  char name[24];
  strncpy(name, p->name, sizeof(name));
  // The name service's capabilities are every client's connections: they outlive it.
  Carry keep;
  if (p->name_service && cfg) keep = names_keep(p);
  kill(p);
  word err;
  Process *q = cfg ? spawn(cfg->name, cfg->program, cfg->args, cfg->nargs, cfg, &err,
                           keep.space ? &keep : nullptr)
                   : nullptr;
  if (keep.space) names_kept_done(keep, q != nullptr);
  if (q) {
    monitor_moved(p, q);
    printf("[monitor] %s: cold restart done, now pid %lu\n", name, q->pid);
  } else {
    printf("[monitor] %s: cold restart failed\n", name);
  }
  return q;
}

} // namespace rt
