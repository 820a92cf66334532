#include <arc/process.hh>
#include <arc/proto/root.hh>
#include <arc/sys.hh>
#include <arc/thread.hh>

namespace arc {

CapSlot start_thread(const ThreadStart &t) {
  if (!t.entry || !t.stack || t.stack_bytes < 256) return 0;
  const CapSlot slot = slot_alloc();
  if (!slot) return 0;
  // The top of the stack, aligned for both ABIs (16 bytes), with room for a return address the
  // entry never uses.
  const word top = (word(t.stack) + t.stack_bytes - sizeof(word)) & ~word(15);
  const Result self = syscall(Sys::thread_ctl, proc::thread, word(ThreadOp::info));
  const word prio = self.ok() ? self.r[1] : 100;
  const bool ok =
      create(proc::factory, ObjType::thread, slot) == Status::ok &&
      thread_ctl(slot, ThreadOp::bind_space, proc::space) == Status::ok &&
      thread_ctl(slot, ThreadOp::set_pager, proc::pager) == Status::ok &&
      (!t.handled || thread_ctl(slot, ThreadOp::set_handler, proc::pager) == Status::ok) &&
      thread_ctl(slot, ThreadOp::set_priority, prio, 10) == Status::ok &&
      thread_ctl(slot, ThreadOp::start, word(t.entry), top) == Status::ok;
  if (ok) return slot;
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
