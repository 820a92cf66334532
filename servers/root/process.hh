// Processes: a process is a space with a main thread, paged by a pager task of its own (P3)
// that the root task creates with it and pages itself.
#pragma once
#include "modules.hh"
#include <p3/image.hh>
#include <arc/proto/root.hh>
#include <bootcfg/bootcfg.hh>

namespace rt {

using arc::word;
using arc::CapSlot;

constexpr unsigned max_processes = 32;
constexpr unsigned cspace_log2 = 8;     // capability slots of a process: 2^8
constexpr word pager_badge = 0x10000;   // root-endpoint badge of a pager: pid | pager_badge
constexpr word direct_badge = 0x20000;  // of a process the root task pages itself (pager=root)

struct Process {
  word pid = 0;                 // 0: slot unused
  char name[24] = {};
  char program[24] = {};
  arc::root::PState state = arc::root::PState::starting;
  word restarts = 0;
  // A restart the root task asked of the pager (group member) but could not deliver yet:
  // pending_restart is 1 + the Action, carried_reply its carried reply slot (warm).
  word pending_restart = 0, pending_carried = 0;
  // Hang detection (watchdog.cc): the thread whose counter is set up, the messages it had
  // received when last seen, and when it last showed it was alive (ms).
  CapSlot watched_thread = 0;
  word watch_received = 0, watch_alive = 0;
  // Request deadlines (watchdog.cc): the call it is seen waiting in — the space that owes the
  // reply, the messages it had sent then (a new call sends one more), since when (ms), the pid
  // of the process that space is (0: none of ours, or not looked up) — and the thread whose
  // counter is set up.
  CapSlot call_thread = 0;
  word call_space = 0, call_sent = 0, call_since = 0, call_callee = 0;
  // Proactive restarts (renew.cc): since when its renew-every period runs (ms; set when first
  // looked at, and at every hot or warm restart), the pages it held when the renewal under way
  // was decided, how many ticks a due renewal has waited for a quiet point, and whether
  // renew-pages was found impossible to meet (its persistent pages alone are over it).
  word renew_since = 0, renew_pages_before = 0, renew_waits = 0;
  bool renew_seen = false, renew_pages_off = false;
  const bootcfg::Server *config = nullptr;   // null: started from the shell
  // Swaps (restart.cc): the programs mapped into its pager's space — images[0] the one it
  // started with, at p3::image_base, images[i] at p3::alt_image_base + (i - 1) *
  // p3::alt_image_stride — each mapped once, at its first swap to it; `program` names the one
  // running.
  const Module *images[1 + bootcfg::max_alternates] = {};
  // Checkpoints (docs/restarts.md, "Checkpoint and restore"): the number of the last one its
  // pager took (0: none, so no restore), and when the checkpoint= period last knocked (ms).
  word checkpoint = 0, checkpoint_since = 0;
  bool checkpoint_seen = false;
  // What it may ask of us beyond the common requests (bootcfg::May bits): its boot line's may=,
  // or, started by another process, at most what that one may. Each refusal is said once.
  uint8_t may = 0, may_refused_told = 0;
  // Capabilities in the root task's space.
  CapSlot factory = 0, space = 0, thread = 0, service = 0, fault_ep = 0;
  CapSlot pager_space = 0, pager_thread = 0;
  // The badged endpoint capabilities the threads' pager and handler were derived from: a
  // thread's own copy lives only as long as these.
  CapSlot fault_send = 0, root_send = 0;
  // What we page ourselves: the pager task, or (pager=root) the process itself.
  bool direct = false;
  bool domain_root = false;    // the root task of a secure domain (secure.cc); direct too
  bool name_service = false;   // it serves our names endpoint (names_endpoint())
  bool publish_told = false;   // still to be told to publish again (names_restart.cc)
  p3::Image pager_image;
  p3::Image::Page pager_pages[128];
  word pager_info = 0, client_info = 0, pager_own_info = 0;   // frames in our space
  // A warm restart's old space and thread, and its pager's capabilities to them, held until the
  // restart is reported done (drop_old_space, restart.hh): destroying them is not on the way to
  // the replayed reply.
  CapSlot old_space = 0, old_thread = 0, old_pager_space = 0, old_pager_thread = 0;
  // The space and main thread its next warm restart (or swap) takes, made in advance
  // (prepare_spare, restart.hh): making them was some 21,000 instructions (25,000 on the
  // Cortex-A15) on the way to the replayed reply. 0: none ready (made at the restart then).
  CapSlot spare_space = 0, spare_thread = 0;
};

// Capabilities carried into a process that spawn() makes, before it runs: slots first ..
// first + count - 1 of `space` (a space of ours) go to the same slots of the new one (the name
// service's cold restart: names_restart.hh).
struct Carry {
  CapSlot space = 0;
  CapSlot first = 0;
  word count = 0;
};

void processes_init(const arc::BootInfo &bi);
// Start `program` (a boot module) as a new process; null and a message if that fails.
Process *spawn(const char *name, const char *program, const char args[][64], unsigned argc,
               const bootcfg::Server *config, word *error, const Carry *carry = nullptr);
// A secure domain's root task (secure.cc): the root program in a new kernel domain, paged by us
// as pager=root is, with the capability slots the kernel gives an initial task and `boot_info`
// (a frame of ours, the domain's boot information) where the kernel would map it.
struct DomainRootStart {
  const Module *program;
  word quota;              // kernel memory of the domain, bytes
  word boot_info;          // a frame in our space; the domain owns it from now on
  bool devices;            // it gets our I/O ports and interrupt control
  uint8_t prio;
  p3::Image::Page *pages;  // its page table (capacity a power of two)
  unsigned capacity;
};
Process *spawn_domain_root(const char *name, const DomainRootStart &d, word *error);
void kill(Process *p);
// Free the slot of a process that was killed or exited (its pid then names nothing).
void forget(Process *p);
Process *process_by_pid(word pid);
// The page counts of p (resident, persistent, shared with the image, copy-on-write copies): from
// its pager, asked without ever blocking on it (false when the pager is not waiting for
// messages right now), or our own (pager=root).
bool page_counts(Process *p, word out[4]);
Process *process_at(unsigned index);   // for listings: the index-th live slot, or null
// Every slot (pid 0: unused), for loops that run at every message.
Process *process_table(unsigned *count);
// Changes whenever a process starts or ends: per-message loops recompute only then.
extern word process_generation;
// Whether addr is in our window onto device memory and data modules (mapped by sigma0, never
// read to fault it in).
bool in_device_window(word addr);
// Device memory or a boot module (label: which sigma0 service maps its pages) in our device
// window, mapped on first use; our address of [phys, phys + size), or 0.
word map_window(word phys, word size, word label);
// The root task's own capability slots (0: none left); slot_free deletes the capability.
CapSlot slot_alloc();
void slot_free(CapSlot &slot);
// The endpoint of the name service, once it runs (0 before).
void set_names_endpoint(CapSlot ep);
CapSlot names_endpoint();

} // namespace rt
