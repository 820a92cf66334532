// The process's helper threads, as its pager knows them (docs/restarts.md, "Checkpoint and
// restore"): each one the process made (arc::start_thread) is announced with its capability
// (pager::thread_add) before it runs. A restore stops every one of them before the checkpoint's
// pages come back, and starts each one the checkpoint recorded where its registers were saved
// (the framework's park record, arc/proto/ckpt_caps.hh); one made since the checkpoint stays
// stopped. A warm restart or a swap (a new space: the old threads go with the old one) forgets
// them.
#pragma once
#include "checkpoint.hh"
#include <arc/abi.hh>

namespace p3::threads {

// Where the next announced thread's capability is to land (the receive's rcv_cap_slot; 0: no
// more room).
arc::word receive_slot();
// A message has been handled: a capability it brought that was not taken goes.
void message_done(bool typed);
// pager::thread_add from the process: checked (a thread of its space), numbered, answered.
void add(arc::Utcb *u, arc::word badge, arc::CapSlot client_thread);
// Bit n set: thread number n is known (a file's threads must be).
unsigned known_mask();
// A restore: stop them all (out of any IPC), before its pages are replaced.
void halt_all();
// ... and, the pages back, start each the checkpoint recorded on its saved registers. The
// number put back.
unsigned restore(const Checkpoint &ckpt, const char *name);
// The threads are gone (a warm restart, a swap).
void forget();

} // namespace p3::threads
