#include "helpers.hh"

#include <arc/process.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <arc/thread.hh>

namespace arc {

namespace detail {
Helper g_helpers[max_helpers];
unsigned g_n_helpers;
unsigned g_helpers_untracked;
} // namespace detail

namespace {
// Tell our pager of the thread (pager::thread_add, its capability with the control right), so that
// a restore can stop it and put it back as the checkpoint has it. Its number there, 0 if the
// pager does not take it (the root task, for a process it pages itself, refuses the label).
word register_with_pager(CapSlot slot) {
  Utcb *u = utcb();
  u->mr[0] = Tag(pager::thread_add, 0, 2).raw;
  u->mr[1] = slot;
  u->mr[2] = (rights::control << 8) | item::cap;
  if (call(proc::pager) != Status::ok || Tag(u->mr[0]).untyped() < 2 || Status(u->mr[1]) != Status::ok)
    return 0;
  return u->mr[2];
}
} // namespace

CapSlot start_thread(const ThreadStart &t) {
  if (!t.entry || !t.stack || t.stack_bytes < 256) return 0;
  const CapSlot slot = slot_alloc();
  if (!slot) return 0;
  // The top of the stack, aligned for both ABIs (16 bytes), with room for a return address the
  // entry never uses.
  const word top = (word(t.stack) + t.stack_bytes - sizeof(word)) & ~word(15);
  const Result self = syscall(Sys::thread_ctl, proc::thread, word(ThreadOp::info));
  const word prio = self.ok() ? self.r[1] : 100;
  const bool made =
      create(proc::factory, ObjType::thread, slot) == Status::ok &&
      thread_ctl(slot, ThreadOp::bind_space, proc::space) == Status::ok &&
      thread_ctl(slot, ThreadOp::set_pager, proc::pager) == Status::ok &&
      (!t.handled || thread_ctl(slot, ThreadOp::set_handler, proc::pager) == Status::ok) &&
      thread_ctl(slot, ThreadOp::set_priority, prio, 10) == Status::ok;
  // Known to the pager before it runs: a restore must never find a thread it cannot stop.
  using namespace detail;
  bool tracked = false;
  if (made) {
    const word number = register_with_pager(slot);
    tracked = number && g_n_helpers < max_helpers;
    if (tracked) g_helpers[g_n_helpers++] = Helper{slot, number, {0, 0, 0}, false};
    else ++g_helpers_untracked;
  }
  if (made && thread_ctl(slot, ThreadOp::start, word(t.entry), top) == Status::ok) return slot;
  if (tracked) --g_n_helpers;
  else if (made) --g_helpers_untracked;
  (void)cap_delete(slot);
  slot_free(slot);
  return 0;
}

Status ha_watch(CapSlot thread, word number) {
  Utcb *u = utcb();
  u->mr[0] = Tag(root::ha_watch, 1, 2).raw;
  u->mr[1] = number;
  u->mr[2] = thread;
  u->mr[3] = ((rights::perfmon | rights::control) << 8) | item::cap;
  const Status st = call(proc::root);
  if (st != Status::ok) return st;
  return Tag(u->mr[0]).untyped() >= 1 ? Status(u->mr[1]) : Status::invalid_arg;
}

} // namespace arc
