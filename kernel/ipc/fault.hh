// Faults become IPC: a page fault goes to the thread's pager, any other CPU exception to its
// exception handler, as a call whose reply resumes the thread. A thread with nobody to ask
// (or whose handler is gone) is stopped, and the kernel says why on its console. A pager that
// will not resolve a fault says so (label::fault_refused): the handler hears of it, once.
#pragma once
#include "object/thread.hh"

namespace kern {
struct MapNode;
class Space;

void fault_page(Thread *t, word addr, word ip, word access);
// addr: a data address the handler is told of in MR6 (a refused page fault), else 0.
void fault_exception(Thread *t, word vector, word error, word addr = 0);
// The physical-memory rule of sigma0: a fault on a free physical address maps that frame.
bool sigma0_resolve(Thread *t, word addr);
// The same rule for sigma0's space s at page va, for a fault or a map item: enters the frame
// into the mapping database (sigma0 its first owner) and returns its node, or null where sigma0
// has no such frame (kernel memory, the pool, a frame held or handed on already). prepared: the
// caller made sure the page table covering va exists.
MapNode *sigma0_enter(Space *s, word va, bool prepared = false);
void kill_thread(Thread *t, const char *why, word a, word b);
} // namespace kern
