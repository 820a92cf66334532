// The process's helper threads (arc::start_thread), as the framework knows them for its
// checkpoints (docs/restarts.md, "Checkpoint and restore"): each one's capability, the number its
// pager gave it (pager::thread_add), and its park record. In ordinary memory: a restore brings back
// the table of the checkpoint, whose threads are the ones the pager puts back.
#pragma once
#include <arc/abi.hh>
#include <arc/proto/ckpt_caps.hh>

namespace arc::detail {

// Where a parked thread's registers are (park.S: the offsets 0, 4 and 8 are the assembly's).
struct Park {
  volatile word parked;   // set by the thread once every register is pushed on its stack
  volatile word go;       // set by the main thread after the checkpoint: pop them and go on
  word sp;                // its stack pointer with them pushed
};
static_assert(sizeof(word) != 4 || sizeof(Park) == 12, "park.S's offsets");

struct Helper {
  CapSlot slot;
  word number;   // at the pager, 1 .. ckpt_caps::max_threads; 0: the pager does not know it
  Park park;
  bool parked;   // stopped by park_threads, to be let go by unpark_threads
};
constexpr unsigned max_helpers = ckpt_caps::max_threads;
extern Helper g_helpers[max_helpers];
extern unsigned g_n_helpers;
extern unsigned g_helpers_untracked;   // started but not in the table (full) or not known to the pager

} // namespace arc::detail
