// The root task's interface: process management, physical memory for pagers, system state.
// Clients reach it through proc::root (badge = their pid); pagers through their own capability.
#pragma once
#include <arc/abi.hh>

namespace arc::root {

enum Label : word {
  frames = 0x100,    // pager: MR1 = count (1..16), MR2 = base address in the pager's window;
                     //   reply: count map items (one frame each, at base + i * 4 KiB), MR1 = count
  spawn = 0x101,     // MR1.. = packed "program args"; reply MR1 = pid
  kill = 0x102,      // MR1 = pid; reply MR2 what became of it (Action): stop, or, for a
                     //   server with a restart policy, the restart its policy chose (a kill is a
                     //   failure like a crash). no_rights: the name service without a policy
                     //   (nothing could answer a lookup again); busy: it is being restarted
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
  // The reincarnation monitor (servers/root/monitor.cc):
  crashed = 0x120,     // pager: its process failed. MR1 cause (Cause), MR2 address, MR3 IP;
                       //   reply MR1 status, MR2 what to do (Action), MR3 back-off in ms,
                       //   MR4 (warm) slot of the caller's reply right in the new space, 0: none.
                       //   Warm: the root task has already replaced the space and the thread;
                       //   the pager drops the volatile pages and starts the new thread.
  restarted = 0x121,   // pager: a hot or warm restart is done. MR1 guest instructions it took,
                       //   MR2 the kind (Action), MR3 the pages the process holds now (its
                       //   persistent ones: the volatile ones are gone); MR4 (optional)
                       //   restarted_cleanup_later: the old space and thread stay until a second
                       //   message with MR4 restarted_cleanup (MR1..MR3 0), sent after the
                       //   replayed reply, says they may go
  restarts = 0x122,    // MR1 = index: the restart log; reply MR1 status, MR2 pid, MR3 cause,
                       //   MR4 action, MR5 instructions, MR6 outcome (Outcome), MR7.. packed
                       //   server name
  inject = 0x123,      // MR1..6 packed server name, MR7 kind (1 crash, 2 hang, 3 panic,
                       //   4 corrupt, 5 stall, 6 lose; 7 pager: the root task makes the server's pager fail), MR8 after how many more requests, MR9
                       //   (optional) 1: count handler steps instead (arc::fault_step())
  complain = 0x124,    // MR1 pid of a server that failed the caller, MR2 the status it answered;
                       //   reply MR1 status (no_rights: the caller's boot line does not start it
                       //   after that server), MR2 what the monitor did (Action)
  depends = 0x125,     // MR1 pid of a client of the caller: reply MR1 ok when the client's boot
                       //   line starts it after the caller (after=), no_rights otherwise (a server
                       //   that serves only the processes configured to use it asks this)
  ha_watch = 0x126,    // one capability item: a thread of the caller's own (perfmon and control),
                       //   MR1 its number (1..255: 0 is the main thread, which the monitor watches
                       //   itself), to be watched by the HA workers as the caller's boot line
                       //   says (ha=); reply MR1 status (not_supported: no ha= on its line,
                       //   no_rights: not a thread of its own)
  ha_report = 0x127,   // the HA workers only: MR1 ha::Failure, MR2 thread id (pid << 8 | number),
                       //   MR3 detail, MR4 the worker's clock (ms); reply MR1 status
  // Secure domains (servers/root/secure.cc, docs/domains.md), of the boot root task:
  domains = 0x128,     // MR1 = index; reply MR1 status, MR2 state (DState), MR3 restarts,
                       //   MR4 memory partition (KiB), MR5 pid of its root task (0: none),
                       //   MR6 frames its root task has taken, MR7 cause of the last restart
                       //   (Cause, 0: none), MR8.. packed name; invalid_arg past the end
  domain_watch = 0x129,  // a domain monitor (watch-domains=): MR1 = domain index; reply MR1
                         //   status, MR2 the domain's generation (starts so far), and one
                         //   capability item: its root task's thread, perfmon right only.
                         //   no_rights: not on the caller's line; busy: it is not running
  domain_restart = 0x12a,  // a domain monitor: MR1 = domain index, MR2 the generation it
                           //   watched, MR3 why (Cause: dead_thread or loop); reply MR1 status
                           //   (ok also when that generation is already gone), MR2 the new
                           //   generation (0: the domain stays down, too many restarts)
  swap = 0x12b,        // MR1..6 packed server name, MR7..12 packed program (a boot module):
                       //   replace the running server's program by that one online, at a
                       //   quiet point (docs/restarts.md, "Swap"); callers with may=swap only.
                       //   reply MR1 status (busy: it is serving or being restarted, ask again;
                       //   invalid_arg: no such server or program; not_supported: pager=root)
  // Checkpoint and restore (docs/restarts.md, "Checkpoint and restore"); callers with
  // may=restore only:
  checkpoint = 0x12c,  // MR1..6 packed server name: have it checkpointed at its next quiet point
                       //   (the framework's restore point); reply MR1 status (busy: it is
                       //   serving or being restarted, ask again; invalid_arg: no such server;
                       //   not_supported: pager=root). The pager takes the checkpoint after
                       //   this answer and reports it with `checkpointed`. MR7 (optional)
                       //   ckpt_group: the server and the processes connected to it, all held
                       //   at their quiet points at once (busy: one of them is not at one)
  restore = 0x12d,     // MR1..6 packed server name: bring it back to its last checkpoint now;
                       //   reply MR1 status (not_supported: no checkpoint, or pager=root). The
                       //   server is held from this answer until its pager has restored it.
                       //   MR7 (optional) ckpt_group: every member of the server's last group
                       //   checkpoint back to it (not_supported: none, or no longer whole;
                       //   busy: a member has not taken its part yet)
  checkpointed = 0x12e,  // pager: a checkpoint was taken. MR1 its number, MR2 pages copied,
                         //   MR3 pages clean (kept from the last one), MR4 cycles it took;
                         //   MR1 0: it failed (no memory), no checkpoint is left. MR5 (if
                         //   given) the pager::checkpoint_* bits the framework asked with
  // Checkpoints in files (docs/restarts.md, "Checkpoints in files"); the shell (may=restore):
  checkpoint_file = 0x12f,  // MR1..6 packed server name, MR7 ckfile_* op, MR8.. its arguments:
                            //   export: the pager writes the last checkpoint as a file into the
                            //   root task's buffer (reply not_supported: none; busy); fetch MR8
                            //   offset: reply MR2 total bytes, MR3 checkpoint number, MR4 n, MR5..
                            //   n bytes (busy: not all there yet; not_supported MR2 error: the
                            //   export failed); put MR8 offset, MR9 n, MR10.. n bytes (in order,
                            //   offset 0 starts a new file); load MR8 total: the pager takes the
                            //   file, checks it and restores the server to it; result: busy until
                            //   the pager has checked it, then ok MR2 ckptfile::Error (0: loaded)
  // ... and the pager's side of them:
  checkpoint_put = 0x130,   // MR1 offset, MR2 n, MR3.. bytes of the exported file; n 0: the end
                            //   (MR1 the total bytes, MR3 the checkpoint number)
  checkpoint_get = 0x131,   // MR1 offset: reply MR1 status, MR2 n, MR3.. bytes of the file to load
  checkpoint_loaded = 0x132,  // MR1 ckptfile::Error (0: taken as the last checkpoint, to be
                              //   restored now), MR2 the checkpoint's number in the file
};

// root::checkpoint and root::restore MR7: the whole group (docs/restarts.md, "Group checkpoints").
constexpr word ckpt_group = 1;
// root::checkpoint_file MR7.
enum CkFileOp : word { ckfile_export = 1, ckfile_fetch = 2, ckfile_put = 3, ckfile_load = 4, ckfile_result = 5 };

// Of a secure domain (root::domains).
enum class DState : word { down = 0, running = 1, failed = 2 };

enum class Cause : word {
  crash = 1, exception = 2, panic = 3, hang = 4, corrupt = 5, exit = 6,
  group = 7,   // restarted along with a failed server it is connected to
  renew = 8,   // not a failure: a proactive restart at a quiet point (renew-pages, renew-every)
  killed = 9,  // ended from the shell (root::kill): handled by its policy as a failure
  complaint = 10,  // a process that depends on it said it failed (root::complain)
  pager = 11,      // its pager failed: the pages and persistent memory it held are lost
  // Found by the HA workers (libs/ha, docs/ha.md):
  dead_thread = 12,   // a thread of it is dead (the kernel stopped it; nobody was told)
  deadlock = 13,      // it is part of a cycle of threads each blocked calling the next
  loop = 14,          // its thread runs without any progress: an endless loop
  swap_asked = 15,    // not a failure: an administrator swapped its program (root::swap)
  checkpoint = 16,    // not a failure: a checkpoint was taken (action checkpoint)
  restore_asked = 17, // not a failure: brought back to its checkpoint on request (root::restore)
  checkpoint_saved = 18,  // not a failure: its last checkpoint written out as a file (action checkpoint)
  restore_loaded = 19,    // not a failure: restored to a checkpoint loaded from a file (action restore)
};
enum class Action : word {
  hot = 0, warm = 1, cold = 2, group = 3, stop = 4,
  domain = 5,   // every process of the domain stopped and the boot configuration started again
  swap = 6,     // a warm restart into another program of the same interface (alternates=)
  restore = 7,  // back to the last checkpoint: memory, persistent memory and the main thread's
                //   restore point; the framework's area and the capabilities stay as they are
  checkpoint = 8,  // (the restart log only: a checkpoint taken, not a restart)
};
// Of a restart log entry. abandoned: a renewal that could not be carried out (the server went on
// as it was).
enum class Outcome : word { pending = 0, done = 1, abandoned = 2 };

// Replies carry the status in MR1 when untyped >= 1 and the label is 0; on success the label
// is 0 and the results follow.
enum class PState : word { starting = 0, running = 1, exited = 2, failed = 3 };

// root::restarted's MR4 (see there).
constexpr word restarted_cleanup_later = 1, restarted_cleanup = 2;

} // namespace arc::root
