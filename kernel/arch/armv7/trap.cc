// armv7 exception dispatch: turns the CPU's exceptions into the generic kernel's fault, interrupt
// and tick entries. Faults in kernel mode are kernel bugs and panic; everything from user mode
// becomes IPC. Exception vectors reported to handlers (docs/kernel-abi.md): 1 undefined
// instruction, 3 prefetch abort (a BKPT is a debug event, IFSR 0x2, reported after the BKPT),
// 4 data abort other than an MMU fault (alignment ...), with the fault status register as the
// error code. Translation, access-flag, domain and permission faults are page faults.
#include "arch/board_hooks.hh"
#include "arch/cpu.hh"
#include "arch/thread_arch.hh"
#include "ipc/fault.hh"
#include "lib/console.hh"
#include "object/irq.hh"
#include "object/thread.hh"
#include "platform/platform.hh"
#include "sched/scheduler.hh"

using namespace kern;

namespace {
constexpr unsigned vec_undef = 1, vec_pabt = 3, vec_dabt = 4;

unsigned fault_status(uint32_t fsr) { return ((fsr >> 6) & 0x10) | (fsr & 0xf); }
// Domain and permission faults hit a mapped page; translation and access-flag faults do not.
bool present_fault(unsigned fs) { return fs == 0x9 || fs == 0xb || fs == 0xd || fs == 0xf; }
bool mmu_fault(unsigned fs) {
  switch (fs) {
  case 0x5: case 0x7:   // translation
  case 0x3: case 0x6:   // access flag
  case 0x9: case 0xb:   // domain
  case 0xd: case 0xf:   // permission
    return true;
  default:
    return false;
  }
}
} // namespace

extern "C" void arm_irq_entry(arch::UserFrame *f) {
  const int line = platform::irq_next();
  if (line < 0) return;
  if (!platform::irq_begin(unsigned(line))) return;
  if (unsigned(line) == platform::timer_irq) {
    platform::irq_end(unsigned(line));
    (void)arch::cycles();   // keeps the 64-bit extension of the cycle counter current
    sched::tick(f->from_user() ? f : nullptr);
  } else {
    irq_raise(unsigned(line));
  }
  sched::preempt_point();
}

extern "C" void arm_trap_entry(arch::UserFrame *f, unsigned vec) {
  Thread *t = Thread::current();
  const uint32_t dfsr = ARC_CP15_READ(c5, 0, c0, 0), dfar = ARC_CP15_READ(c6, 0, c0, 0);
  const uint32_t ifsr = ARC_CP15_READ(c5, 0, c0, 1), ifar = ARC_CP15_READ(c6, 0, c0, 2);
  if (!f->from_user())
    panic("kernel exception %u at pc %lx lr %lx (dfsr %lx dfar %lx ifsr %lx ifar %lx, thread %p)", vec,
          f->pc, f->lr_svc, dfsr, dfar, ifsr, ifar, t);
  const bool thumb = f->cpsr & arch::UserFrame::thumb_bit;
  switch (vec) {
  case vec_undef:
    if (thumb) f->pc += 2;   // entry.S assumed a 4-byte ARM instruction
    fault_exception(t, vec_undef, 0);
    break;
  case vec_pabt: {
    const unsigned fs = fault_status(ifsr);
    if (mmu_fault(fs)) {
      fault_page(t, ifar, f->pc, arc::fault::exec | (present_fault(fs) ? arc::fault::present : 0));
    } else {
      if (fs == 0x2) f->pc += thumb ? 2 : 4;   // BKPT: a trap, continue after it
      fault_exception(t, vec_pabt, ifsr);
    }
    break;
  }
  case vec_dabt: {
    const unsigned fs = fault_status(dfsr);
    if (mmu_fault(fs))
      fault_page(t, dfar, f->pc, ((dfsr & (1u << 11)) ? arc::fault::write : arc::fault::read) |
                                     (present_fault(fs) ? arc::fault::present : 0));
    else
      fault_exception(t, vec_dabt, dfsr);
    break;
  }
  default:
    fault_exception(t, vec, 0);
    break;
  }
  sched::preempt_point();
}
