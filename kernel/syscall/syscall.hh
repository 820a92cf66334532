// System-call handlers. Each decodes and checks all of its arguments first and only then acts,
// so a failing call changes nothing; the result goes into the caller's frame.
#pragma once
#include "arch/thread_arch.hh"
#include "object/thread.hh"

namespace kern::sys {
using Handler = void (*)(Thread *self, arch::UserFrame *f);
void create(Thread *self, arch::UserFrame *f);
void cap_ctl(Thread *self, arch::UserFrame *f);
void thread_ctl(Thread *self, arch::UserFrame *f);
void exregs(Thread *self, arch::UserFrame *f);
void unmap(Thread *self, arch::UserFrame *f);
void irq_ctl(Thread *self, arch::UserFrame *f);
void perfmon(Thread *self, arch::UserFrame *f);
void ioport(Thread *self, arch::UserFrame *f);
void yield(Thread *self, arch::UserFrame *f);
void kdebug(Thread *self, arch::UserFrame *f);
} // namespace kern::sys
