// ia32 trap dispatch: turns CPU vectors into the generic kernel's fault, interrupt and tick
// entries. Faults in kernel mode are kernel bugs and panic; everything from user mode becomes IPC.
#include "arch/cpu.hh"
#include "arch/thread_arch.hh"
#include "ipc/fault.hh"
#include "lib/console.hh"
#include "object/irq.hh"
#include "object/thread.hh"
#include "platform/platform.hh"
#include "sched/scheduler.hh"

namespace kern::arch {
void fpu_trap(Thread *cur);
}

using namespace kern;

extern "C" void trap_entry(arch::UserFrame *f) {
  unsigned v = f->vector;
  if (v >= 32 && v < 48) {
    unsigned line = v - 32;
    if (!platform::irq_begin(line)) return;   // spurious
    if (line == platform::timer_irq) {
      platform::irq_end(line);
      sched::tick(f->from_user() ? f : nullptr);
    } else {
      irq_raise(line);
    }
    sched::preempt_point();
    return;
  }
  Thread *t = Thread::current();
  if (!f->from_user()) {
    word cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    panic("kernel trap %u error %lx at eip %lx (cr2 %lx, thread %p)", v, f->error, f->eip, cr2, t);
  }
  if (v == 7) {   // device not available: lazy FPU switch
    arch::fpu_trap(t);
    return;
  }
  if (v == 14) {
    word cr2;
    asm volatile("mov %%cr2, %0" : "=r"(cr2));
    word access = (f->error & 2) ? arc::fault::write : arc::fault::read;
    if (f->error & 1) access |= arc::fault::present;   // P: a protection violation
    fault_page(t, cr2, f->eip, access);
  } else {
    fault_exception(t, v, f->error);
  }
  sched::preempt_point();
}
