#include "object/thread.hh"
#include "ipc/ipc.hh"
#include "lib/string.hh"
#include "mem/pool.hh"
#include "object/factory.hh"
#include "object/space.hh"
#include "sched/scheduler.hh"

namespace kern {

namespace {
// Frames of destroyed threads stay thread frames (type-stable): a stale pointer to a thread
// still finds a Thread, whose reply generation tells that it is not the one it was.
struct FreeTcb { FreeTcb *next; };
FreeTcb *free_tcbs;

void *alloc_tcb(word *gen) {
  void *mem;
  if (free_tcbs) {
    mem = free_tcbs;
    free_tcbs = free_tcbs->next;
    *gen = reinterpret_cast<Thread *>(mem)->reply_gen;
  } else {
    word phys = pool::alloc_frame();
    if (!phys) return nullptr;
    mem = pool::kva(phys);
    *gen = 0;
  }
  return mem;
}
} // namespace

Thread *Thread::create(Factory *f) {
  if (!f->charge(page_size)) return nullptr;
  word gen;
  void *mem = alloc_tcb(&gen);
  if (!mem) {
    f->uncharge(page_size);
    return nullptr;
  }
  Thread *t = new (mem) Thread(f);
  t->reply_gen = gen + 1;
  t->pager.home = t->handler.home = nullptr;
  arch::init_user_thread(t);
  return t;
}

Thread *Thread::create_kernel(void (*entry)()) {
  word gen;
  void *mem = alloc_tcb(&gen);
  if (!mem) return nullptr;
  Thread *t = new (mem) Thread();
  arch::init_kernel_thread(t, entry);
  t->state = State::ready;
  return t;
}

void Thread::destroy() {
  ipc::thread_gone(this);     // leave every queue; callers waiting on our reply hear partner_gone
  sched::remove(this);
  if (space) space->unbind(this);
  cdt::remove(pager);
  cdt::remove(handler);
  arch::fpu_forget(this);
  if (perf.active) --perf::active_threads;   // its counters go with it
  state = State::dead;
  ++reply_gen;
  if (factory()) factory()->uncharge(page_size);
  // The frame goes on the thread free list now; if it is our own stack we keep running on it
  // until the scheduler switches away, and nothing allocates a thread in between.
  word gen = reply_gen;
  auto *f = reinterpret_cast<FreeTcb *>(this);
  f->next = free_tcbs;
  free_tcbs = f;
  reply_gen = gen;
}

} // namespace kern
