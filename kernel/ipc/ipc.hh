// Synchronous IPC: the slow path (every form, timeouts, typed items) and the services other
// kernel parts need (aborting a blocked IPC, interrupt delivery, clean-up on destruction).
#pragma once
#include "arch/thread_arch.hh"
#include "object/thread.hh"

namespace kern {
class Endpoint;
}

namespace kern::ipc {

// Sys::ipc, the general path. Fills the frame's result registers.
void sys_ipc(Thread *self, arch::UserFrame *f);

// A kernel-synthesised call (page fault, exception) from the current thread through cap, whose
// message is in self->kmsg_mr. Returns when the reply arrived (ok) or the IPC failed.
Status kernel_call(Thread *self, Cap &cap);

// End t's blocked IPC with status s and make it ready.
void abort(Thread *t, Status s);
// Deliver an interrupt message to a receiver waiting on ep; false if nobody waits.
bool deliver_irq(Endpoint *ep, unsigned line, word badge);

// Clean-up: t is being destroyed or loses its space.
void thread_gone(Thread *t);
// A saved reply right (caller, generation) was deleted unused.
void reply_cap_dropped(Thread *caller, word gen);
// The pending caller of server, if its reply right is still valid.
Thread *valid_reply_target(Thread *server);

// Message transfer, shared by the slow and fast paths.
void transfer(Thread *snd, Thread *rcv, word badge, bool items_allowed);

} // namespace kern::ipc
