// The per-process pager's interface, reached through proc::pager. Page faults and exceptions of
// the process's threads arrive on the same endpoint with the kernel's labels.
#pragma once
#include <arc/abi.hh>

namespace arc::pager {

enum Label : word {
  counts = 0x200,       // reply MR1 resident, MR2 persistent, MR3 shared with the image,
                        //   MR4 copy-on-write copies
  exit = 0x201,         // MR1 = exit status: the process ends
  recovered = 0x202,    // after a hot or warm restart: MR1 cycles from the failure to Recover(),
                        //   MR2 to the replayed reply; the pager prints the phases it timed
  restart = 0x203,      // from the root task only (group restart): MR1 kind (root::Action, hot,
                        //   warm, swap or restore; warm: the root task has replaced space and thread), MR2
                        //   warm: slot of the carried reply right. A send: no reply
  corrupt = 0x204,      // the framework found the process's persistent state damaged before
                        //   Recover(): the monitor escalates (cold or group restart, or stop).
                        //   A reply (not_supported) only if the monitor could not be asked
  checkpoint = 0x205,   // the framework at a restore point (its main loop between requests, no
                        //   deferred request): MR1 where a restore resumes it (the framework's
                        //   restore entry), MR2 checkpoint_* bits; the pager copies the pages written since the last
                        //   checkpoint and reads the thread's stack pointer. Reply MR1 status
                        //   (not_supported: a marked point the policy does not ask for), MR2
                        //   pages copied, MR3 pages clean, MR4 the checkpoint's number
  ckpt_export = 0x206,  // from the root task only, a send: write the last checkpoint as a file
                        //   into the root task's buffer (root::checkpoint_put), then the end
  ckpt_import = 0x207,  // from the root task only, a send: MR1 total bytes: fetch the file
                        //   (root::checkpoint_get), check it, make it the last checkpoint and
                        //   say so (root::checkpoint_loaded); the root task then has it restored
  thread_add = 0x208,   // the process's own: a helper thread it made (arc::start_thread), its
                        //   capability (control) as the message's capability item. The pager
                        //   halts it at a restore and puts it back at its checkpointed registers.
                        //   Reply MR1 status (no_memory: ckpt_caps::max_threads known already;
                        //   no_rights: not a thread of the process), MR2 its number (1 ..)
  share_create = 0x210, // MR1 = bytes; reply MR1 status, MR2 address, MR3 token
  share_allow = 0x211,  // MR1 = token, MR2 = pid allowed to attach
  share_attach = 0x212, // MR1 = token, MR2 = owner pid; reply MR1 status, MR2 address
  share_detach = 0x213, // MR1 = address
};

// Why a checkpoint is taken (pager::checkpoint MR2; the monitor's knock MR1): a point the server
// marked, the policy's period (not printed each time), else asked (the shell); checkpoint_group:
// one member's part of a group checkpoint (the root task held every member at its quiet point
// first; the pager passes the bits on in root::checkpointed MR5).
constexpr word checkpoint_marked = 1, checkpoint_periodic = 2, checkpoint_group = 4;

// Replies: label 0, MR1 = Status, results from MR2 on.

// The framework's area (.parc, libs/arcserver/src/area.hh) as a pager reads it: its first word
// is the layout stamp (parc_magic in the high half, the area's version in bits 12..15); from
// version 3 the second word counts the server's writes to its device (ServerCore::
// DeviceChanged). A checkpoint notes the count; a restore to it is refused once the count moved
// on: the server's memory would go back while its device does not (docs/restarts.md).
constexpr word parc_magic = 0x41520000u;
constexpr word parc_device_epoch_version = 3;
constexpr bool parc_has_device_epoch(word stamp) {
  return (stamp & 0xffff0000u) == parc_magic && ((stamp >> 12) & 0xf) >= parc_device_epoch_version;
}

} // namespace arc::pager
