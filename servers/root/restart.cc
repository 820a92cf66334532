#include "restart.hh"
#include "monitor.hh"
#include "../pager/pager_info.hh"
#include <arc/proto/process.hh>
#include <arc/sys.hh>
#include <string.h>

namespace rt {

using namespace arc;

namespace {
bool ok(Status s) { return s == Status::ok; }
}

bool restart_warm(Process *p, CapSlot *carried) {
  *carried = 0;
  if (p->direct) return false;   // the root task pages it: nothing keeps its persistent pages
  // Hold the thread (it is in its fault IPC to the pager), and keep its caller's reply right
  // before the thread goes: destroying a thread that still holds it would fail the caller.
  (void)exchange_registers(p->thread, exregs::halt | exregs::abort_ipc);
  CapSlot saved = slot_alloc();
  const bool have_reply = saved && ok(thread_ctl(p->thread, ThreadOp::save_reply, saved));

  CapSlot space = slot_alloc(), thread = slot_alloc();
  if (!space || !thread || !ok(create(p->factory, ObjType::space, space, cspace_log2)) ||
      !ok(create(p->factory, ObjType::thread, thread))) {
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
  // capabilities to them go too (derived from ours).
  slot_free(p->thread);
  slot_free(p->space);
  p->space = space;
  p->thread = thread;
  const uint8_t prio = p->config ? p->config->prio : bootcfg::default_prio;
  if (ok(cap_copy(space, space, proc::space, rights::all)) &&
      ok(cap_copy(thread, space, proc::thread, rights::all)) &&
      ok(thread_ctl(thread, ThreadOp::bind_space, space)) &&
      ok(thread_ctl(thread, ThreadOp::set_pager, p->fault_send)) &&
      ok(thread_ctl(thread, ThreadOp::set_handler, p->fault_send)) &&
      ok(thread_ctl(thread, ThreadOp::set_priority, prio, 0)) &&
      ok(cap_copy(space, p->pager_space, p3::client_space, rights::all)) &&
      ok(cap_copy(thread, p->pager_space, p3::client_thread, rights::all)))
    return true;
  printf("[monitor] %s: cannot set up the new space: warm restart impossible\n", p->name);
  return false;
}

Process *restart_cold(Process *p) {
  const bootcfg::Server *cfg = p->config;
  char name[24];
  strncpy(name, p->name, sizeof(name));
  kill(p);
  word err;
  Process *q = cfg ? spawn(cfg->name, cfg->program, cfg->args, cfg->nargs, cfg, &err) : nullptr;
  if (q) {
    monitor_moved(p, q);
    printf("[monitor] %s: cold restart done, now pid %lu\n", name, q->pid);
  } else {
    printf("[monitor] %s: cold restart failed\n", name);
  }
  return q;
}

} // namespace rt
