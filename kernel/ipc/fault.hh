// Faults become IPC: a page fault goes to the thread's pager, any other CPU exception to its
// exception handler, as a call whose reply resumes the thread. A thread with nobody to ask
// (or whose handler is gone) is stopped, and the kernel says why on its console. A pager that
// will not resolve a fault says so (label::fault_refused): the handler hears of it, once.
#pragma once
#include "object/thread.hh"

namespace kern {
void fault_page(Thread *t, word addr, word ip, word access);
// addr: a data address the handler is told of in MR6 (a refused page fault), else 0.
void fault_exception(Thread *t, word vector, word error, word addr = 0);
// The physical-memory rule of sigma0: a fault on a free physical address maps that frame.
bool sigma0_resolve(Thread *t, word addr);
void kill_thread(Thread *t, const char *why, word a, word b);
} // namespace kern
