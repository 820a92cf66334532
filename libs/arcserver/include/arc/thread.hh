// More threads in a process's own space (the HA workers; servers with a helper thread). A thread
// made here shares everything of the process: its pager serves its page faults (the pager maps
// by address, whichever thread faults). Such a thread must not use the C library's stdio (newlib
// here keeps one reentrancy structure for the process) and must never return from its entry.
#pragma once
#include <arc/abi.hh>

namespace arc {

struct ThreadStart {
  void (*entry)();          // never returns
  void *stack;              // its stack: stack_bytes of memory of ours (bss is fine)
  word stack_bytes;
  // Where its exceptions go: true, to our pager like the main thread's (an exception fails the
  // process and the monitor restarts it); false, nowhere: the kernel stops the thread and says
  // so on its console, and only a watcher (the HA dead-thread worker) can tell.
  bool handled = true;
};

// Makes the thread from our factory and starts it; its capability (control, perfmon) is put in a
// slot of ours (slot_alloc) and returned, 0 when it could not be made (and nothing is left over).
// Before it runs it is announced to our pager (pager::thread_add), so that a checkpoint keeps its
// registers and a restore puts it back (docs/restarts.md, "Checkpoint and restore": at most 4
// such threads; an IPC it waits in when a checkpoint is taken returns `cancelled`; it needs some
// 128 bytes of its stack free below its stack pointer at any instruction, where the checkpoint
// pushes its registers).
CapSlot start_thread(const ThreadStart &t);

// Ask the monitor to have the HA workers watch `thread` (a thread of ours, from start_thread) as
// our boot line's ha= says, under thread number `number` (1..255). The monitor's status
// (root::ha_watch).
Status ha_watch(CapSlot thread, word number);

} // namespace arc
