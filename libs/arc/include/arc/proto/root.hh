// The root task's interface: process management, physical memory for pagers, system state.
// Clients reach it through proc::root (badge = their pid); pagers through their own capability.
#pragma once
#include <arc/abi.hh>

namespace arc::root {

enum Label : word {
  frames = 0x100,    // pager: MR1 = count (1..16), MR2 = base address in the pager's window;
                     //   reply: count map items (one frame each, at base + i * 4 KiB), MR1 = count
  spawn = 0x101,     // MR1.. = packed "program args"; reply MR1 = pid
  kill = 0x102,      // MR1 = pid
  ps = 0x103,        // MR1 = index; reply MR1 pid, MR2 state, MR3 resident pages, MR4 persistent
                     //   pages, MR5 restarts, MR6.. = packed name; Status::invalid_arg past the end
  mem = 0x104,       // reply MR1 total frames, MR2 free frames, MR3 frames held by processes
  exited = 0x105,    // pager: its process ended, MR1 = exit status
  servers = 0x106,   // MR1 = index; reply MR1 pid (0: not running), MR2 restarts, MR3.. packed
                     //   "name program"; Status::invalid_arg past the end
  free_frame = 0x107,  // pager: MR1 = address in its window of a frame it gives back
  // Shared memory, asked for by pagers on behalf of their processes (the session library's
  // pages go through the pagers, never from process to process):
  share_new = 0x110,   // MR1 = pages (1..16), MR2 = base in the pager's share window;
                       //   reply: the frames mapped there, MR1 = status, MR2 = token
  share_allow = 0x111, // MR1 = token, MR2 = pid that may attach (the owner's pager only)
  share_map = 0x112,   // MR1 = token, MR2 = owner pid, MR3 = base in the pager's share window;
                       //   reply: the frames mapped there, MR1 = status, MR2 = pages
  share_drop = 0x113,  // MR1 = token: this process holds the region no more
};

// Replies carry the status in MR1 when untyped >= 1 and the label is 0; on success the label
// is 0 and the results follow.
enum class PState : word { starting = 0, running = 1, exited = 2, failed = 3 };

} // namespace arc::root
