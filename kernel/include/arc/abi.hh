// The Arc kernel ABI: everything user level and the kernel must agree on.
//
// Shared verbatim by the kernel and by libs/; freestanding (no library headers). The register
// convention per architecture lives in the arch's syscall binding (libs/arc/arch/*/syscall.hh);
// this file fixes numbers, layouts and meanings. docs/kernel-abi.md explains every call.
#pragma once

namespace arc {

using word = unsigned long;          // one machine word: 32 bits on ia32 and armv7
static_assert(sizeof(word) == sizeof(void *), "word must hold a pointer");

// ---------------------------------------------------------------------------------------------
// System calls (11 of the 12 allowed).
enum class Sys : word {
  ipc        = 0,   // send / receive / call / reply / reply-and-wait, with timeouts
  create     = 1,   // make a kernel object from a factory capability
  cap_ctl    = 2,   // copy, mint, move, delete, revoke, identify, compare capabilities
  thread_ctl = 3,   // bind a thread to a space, pager, handler; priority; start; save reply right
  exregs     = 4,   // exchange registers: read/set IP, SP, flags; abort IPC; suspend/resume
  unmap      = 5,   // revoke mappings derived from the caller's pages (recursive)
  irq_ctl    = 6,   // get an IRQ capability, attach it to an endpoint, acknowledge
  perfmon    = 7,   // per-thread virtual performance counters
  ioport     = 8,   // derive an I/O-port range capability, enable it in the caller's space
  yield      = 9,   // give up the rest of the time slice
  kdebug     = 10,  // kernel console output and test exit (privileged tasks only for exit)
  count
};

// Every system call returns one of these in the first result register.
enum class Status : word {
  ok            = 0,
  invalid_cap   = 1,   // the slot is empty, out of range, or holds the wrong object type
  no_rights     = 2,   // the capability lacks the right the operation needs
  invalid_arg   = 3,   // an argument is malformed or out of range
  no_memory     = 4,   // the factory's quota or the kernel pool is exhausted
  timeout       = 5,   // the IPC timeout expired before a partner was found
  no_partner    = 6,   // nobody can take this message (e.g. reply with no pending caller)
  partner_gone  = 7,   // the partner was destroyed while we waited for it
  cancelled     = 8,   // the IPC was aborted by exchange_registers
  not_supported = 9,   // valid request the hardware cannot do (e.g. PMU event absent)
  busy          = 10,  // the object is in a state that forbids the operation now
  bad_syscall   = 11,  // no such system call
  count
};

// ---------------------------------------------------------------------------------------------
// Capabilities. A task's capability space is an array of slots; slot 0 is always empty.
using CapSlot = word;
constexpr CapSlot cap_nil = 0;
constexpr CapSlot cap_self = ~word(0);   // "the caller's own thread/space", where allowed

enum class ObjType : word {
  none = 0, thread = 1, space = 2, endpoint = 3, factory = 4, irq = 5, irq_control = 6,
  ioports = 7, reply = 8,
  // create() only: a factory that is the root of a new secure domain (its capability is a
  // factory's). Only a thread of domain 0, with a domain-0 factory, makes one (docs/kernel-abi.md).
  domain = 9,
};

// Rights bits; each object type gives them a meaning (docs/kernel-abi.md).
namespace rights {
constexpr word send    = 1u << 0;  // endpoint: send/call
constexpr word recv    = 1u << 1;  // endpoint: receive
constexpr word grant   = 1u << 2;  // endpoint: messages may carry map/grant/capability items
constexpr word control = 1u << 3;  // thread/space/irq/ioports/factory: change or use it
constexpr word perfmon = 1u << 4;  // thread: read and program its performance counters
constexpr word all     = 0x1f;
}

// Slots every initial task finds filled at boot.
namespace boot_cap {
constexpr CapSlot space       = 1;   // own space (control)
constexpr CapSlot thread      = 2;   // own first thread (control, perfmon)
constexpr CapSlot factory     = 3;   // kernel-memory factory with the task's quota
constexpr CapSlot pager       = 4;   // endpoint of its pager (sigma0 for the root task)
constexpr CapSlot irq_control = 5;   // root task only: source of IRQ capabilities
constexpr CapSlot ioports     = 6;   // root task only: all I/O ports
constexpr CapSlot sigma0_ep   = 7;   // sigma0 only: the endpoint it serves
constexpr CapSlot first_free  = 16;
// The badge of the root task's exception handler capability (to sigma0's endpoint), which the
// kernel keeps in the root task's first thread and in no capability space: a message with it
// comes from the kernel, never from a task (the root task's own pager capability has its space
// id as badge).
constexpr word root_handler_badge = ~word(0);
}

// ---------------------------------------------------------------------------------------------
// IPC. Message registers MR0..MR63; MR0 is the tag. MR0..MR2 travel in CPU registers at the
// system-call boundary, the rest in the UTCB.
constexpr unsigned mr_count = 64;
constexpr unsigned mr_in_regs = 3;

namespace ipc {
// Operation flags (in the system-call number register, bits 8 and up).
constexpr word send    = 1u << 8;   // send phase to the destination capability
constexpr word recv    = 1u << 9;   // receive phase from the source endpoint (open wait)
constexpr word call    = 1u << 10;  // with send: then wait for the reply of that receiver
constexpr word reply   = 1u << 11;  // send phase goes to the pending caller (reply right)

// Timeouts: two 16-bit fields in one word, send in the high half, receive in the low half.
// 0 = do not block, 0xffff = forever, otherwise milliseconds (1 .. 65534).
constexpr word t_zero = 0, t_never = 0xffff;
constexpr word timeouts(word snd, word rcv) { return (snd << 16) | (rcv & 0xffff); }
}

// The message tag (MR0).
struct Tag {
  word raw;
  constexpr Tag(word r = 0) : raw(r) {}
  constexpr Tag(word label, unsigned untyped, unsigned typed)
      : raw((label << 16) | ((typed & 0x3f) << 6) | (untyped & 0x3f)) {}
  constexpr unsigned untyped() const { return raw & 0x3f; }     // MR1..MRu
  constexpr unsigned typed() const { return (raw >> 6) & 0x3f; } // words of typed items after
  constexpr word label() const { return raw >> 16; }
  constexpr bool map_failed() const { return raw & (1u << 12); } // set by the kernel
};
constexpr word tag_map_failed = 1u << 12;

// Labels the kernel uses for messages it synthesises (clients use 0 .. 0xffef).
namespace label {
constexpr word page_fault = 0xfffe;  // MR1 address, MR2 IP, MR3 access (fault_*)
constexpr word exception  = 0xfffd;  // MR1 vector, MR2 error code, MR3 IP, MR4 SP, MR5 flags,
                                     // MR6 data address (a refused page fault), else 0
constexpr word irq        = 0xfffc;  // MR1 IRQ line; the badge is the IRQ capability's badge
// A pager's reply to a page fault it will not resolve, instead of a map item: MR1 the reason
// (refusal::*). The kernel does not retry the fault: the thread's exception handler hears of it
// once, as exception vector exc_vector::fault_refused with the reason as error code and the
// address in MR6; a thread without a handler is stopped.
constexpr word fault_refused = 0xfffb;
}
namespace refusal {
constexpr word unspecified = 0;
constexpr word no_such_memory = 1;   // nothing is, or may be, at that address
constexpr word exhausted = 2;        // there would be, but the pager has no memory left
constexpr word no_access = 3;        // the page exists, but not with the access asked for
}
// Exception vectors that are not the CPU's (ia32 0..31, armv7 1/3/4: docs/kernel-abi.md).
namespace exc_vector {
constexpr word fault_refused = 0x100;   // error code: refusal::*, MR6: the fault address
}
namespace fault {
constexpr word read = 1, write = 2, exec = 4;
constexpr word present = 8;   // the page is mapped, but not for this access (a protection fault)
}

// Flexpages: a naturally aligned power-of-two region of an address space.
//   bits 31..12 base (page aligned), bits 9..4 log2(size) (12 .. 32), bits 2..0 rights.
namespace fpage_rights { constexpr word r = 4, w = 2, x = 1, rwx = 7; }
constexpr word fpage(word base, unsigned log2size, word rights) {
  return (base & ~word(0xfff)) | ((log2size & 0x3f) << 4) | (rights & 7);
}
constexpr word fpage_base(word fp) { return fp & ~word(0xfff); }
constexpr unsigned fpage_log2(word fp) { return (fp >> 4) & 0x3f; }
constexpr word fpage_rights_of(word fp) { return fp & 7; }
constexpr word fpage_all = fpage(0, 32, fpage_rights::rwx);    // the whole address space

// Typed items, two words each, after the untyped words.
//   map / grant: word0 = send fpage, word1 = hot spot (receiver-side base hint) | kind
//   capability:  word0 = sender's slot,  word1 = rights mask << 8 | kind
namespace item {
constexpr word map = 1, grant = 2, cap = 3;
constexpr word kind(word w1) { return w1 & 0xf; }
}

// ---------------------------------------------------------------------------------------------
// User thread control block: one per thread, mapped into its space; found through the
// architecture's thread pointer (the %gs segment on ia32, TPIDRURO on armv7).
struct Utcb {
  word mr[mr_count];        // message registers (MR0..MR2 mirrored from registers by libs/)
  word rcv_window;          // fpage where incoming map/grant items may land (0 = none)
  word rcv_cap_slot;        // slot in our cspace for an incoming capability item (0 = none)
  word error_detail;        // kernel's detail for the last failure (index of the bad item ...)
  word self;                // user-level: the thread's own pointer for libs (never read by kernel)
  word tls[12];             // free for user-level libraries
};
// 512 bytes on the 32-bit targets; scaled with the word so host tools can include this header.
constexpr word utcb_size = 128 * sizeof(word);
static_assert(sizeof(Utcb) <= utcb_size, "UTCB must fit its slot");

// Where the kernel puts UTCBs in every space (user virtual addresses).
constexpr word utcb_area = 0xbff00000;      // 1 MiB: up to 2048 threads per space
constexpr word user_top  = 0xbff00000;      // user mappings live below this

// ---------------------------------------------------------------------------------------------
// create(factory, type, dest_slot, arg)
//   thread: arg unused.  space: arg = log2 of capability slots (4 .. 12).
//   endpoint: arg unused.  factory: arg = quota in bytes taken from the parent factory.
// cap_ctl(op, ...): see CapOp.
enum class CapOp : word {
  copy = 0,     // (src_slot, dst_space, dst_slot, rights mask)
  mint = 1,     // (src_slot, dst_space, dst_slot, rights mask, badge): badge an unbadged endpoint
  move = 2,     // (src_slot, dst_space, dst_slot)
  remove = 3,   // (slot): delete; deleting an object's original capability destroys the object
  revoke = 4,   // (slot): delete every capability derived from this one
  identify = 5, // (slot) -> type, rights, badge; a factory (control): quota, bytes used;
                //   a reply right: 1 while its caller still waits
  take = 6,     // (src_space, src_slot, dst_space, dst_slot, count): move a capability (count
                // > 1: a range, empty slots skipped) out of another space's capability space
                // (control right on src_space); a warm restart carries a process's
                // capabilities over to its new space this way. r0 = capabilities moved
  same = 7,     // (slot_a, slot_b) -> r0 1 when both name the same object, else 0. Whoever holds
                // two capabilities can tell whether they are one object, nothing more: the name
                // service matches the capabilities kept across its cold restart with the
                // endpoints published again (docs/restarts.md)
  domain = 8,   // (slot) -> r0 the secure domain of the object (0: the boot domain)
};

// thread_ctl(thread, op, a, b, c)
enum class ThreadOp : word {
  bind_space = 0,   // (space cap): before the thread first runs
  set_pager = 1,    // (endpoint cap): copied into the thread
  set_handler = 2,  // (endpoint cap): exception handler
  set_priority = 3, // (priority 0..255, time slice in ticks); not above the caller's priority
  start = 4,        // (ip, sp): make a bound, inactive thread runnable
  save_reply = 5,   // (dst slot): move the thread's pending reply right into a slot of ours
  info = 6,         // -> state, priority, space id, and while waiting for a reply the id of
                    //    the space that owes it (the server called, or the one that saved the
                    //    reply right), else 0 (cap_self allowed)
};

// exregs(thread, flags, ip, sp, user flags) -> old ip, sp, flags, state
// cap_self names the calling thread. halt suspends the thread (state suspended) until resume;
// abort_ipc makes a blocked IPC return Status::cancelled.
namespace exregs {
constexpr word set_ip = 1, set_sp = 2, set_flags = 4, abort_ipc = 8, halt = 16, resume = 32;
}

// Thread states reported by thread_ctl(info) and exregs.
enum class ThreadState : word {
  inactive = 0, ready = 1, send_blocked = 2, recv_blocked = 3, wait_reply = 4, suspended = 5,
  dead = 6,
};

// irq_ctl(op, cap, a, b)
enum class IrqOp : word {
  get = 0,      // (irq_control cap, line, dst slot): make an IRQ capability
  attach = 1,   // (irq cap, endpoint cap): deliver the IRQ as IPC to receivers of the endpoint
  detach = 2,   // (irq cap)
  ack = 3,      // (irq cap): unmask after handling
};

// ioport(op, cap, a, b, c)
enum class IoOp : word {
  derive = 0,   // (cap, first port, count, dst slot): capability for a sub-range
  enable = 1,   // (cap): the caller's space may use these ports (TSS I/O bitmap on ia32)
  disable = 2,  // (cap)
};

// perfmon(thread cap or cap_self, op, counter, event)
enum class PerfOp : word {
  info = 0,     // -> number of counters, bitmask of events available
  config = 1,   // (counter, event): program and zero a counter (event none = off)
  read = 2,     // (counter) -> low word, high word
  reset = 3,    // (counter)
};
constexpr unsigned perf_counters = 4;
namespace event {
// Hardware events (available when the CPU's PMU has them; cycles always, from the cycle counter).
constexpr word none = 0, cycles = 1, instructions = 2, branches = 3, icache_miss = 4,
               pc_write = 5;
// Software events counted by the kernel.
constexpr word context_switch = 16, ipc_sent = 17, ipc_received = 18, page_fault = 19,
               time_running = 20 /* ticks */, upc_change = 21 /* user PC changed at tick */,
               ipc_request = 22 /* received from an endpoint: a request, not a reply */,
               ustate_same = 23 /* ticks that found it running with its user PC and registers
                                   as they were at its previous tick: no progress of any kind */;
constexpr word max = 24;
}

// kdebug(op, a)
enum class KdOp : word {
  putc = 0,     // (character)
  puts = 1,     // (length): prints that many bytes from the caller's UTCB message registers
  exit = 2,     // (status): end the emulator run (privileged initial tasks only)
  ticks = 3,    // -> timer ticks since boot, ms per tick
  reboot = 4,   // reset the machine (privileged initial tasks only); not_supported if the board
                // cannot
};

// ---------------------------------------------------------------------------------------------
// Boot information: one read-only page mapped into each initial task at boot_info_addr; its
// address is also in the first argument register when the task starts.
constexpr word boot_info_addr = 0xbfeff000;
// Sigma0's view of the board's device aperture (BootInfo::aperture_*): below the kernel on every
// architecture, above every RAM identity mapping sigma0 has.
constexpr word sigma0_aperture_va = 0xb0000000;
constexpr word boot_info_magic = 0x42435241;   // "ARCB"

// Boot modules an initial task can be told of (the kernel reports any beyond them and ignores
// them; a module list is sigma0, the root task, the programs and the boot configuration).
constexpr unsigned max_boot_modules = 20;

struct BootInfo {
  struct Region { word base, size, kind; };     // physical memory
  struct Module { word base, size; char name[24]; char cmdline[96]; };
  enum : word { region_free = 1, region_reserved = 2, region_module = 3, region_kernel = 4 };

  word magic;
  word version;
  word tick_ms;                 // timer period
  word n_regions;
  Region regions[24];
  word n_modules;
  Module modules[max_boot_modules];
  char cmdline[256];            // this task's own command line: its name, then its arguments
  char arch[16];                // "ia32", "armv7"
  char board[24];               // "pc", "qemu-virt" ...
  // Device memory above the end of RAM (a PCI framebuffer): physical base and size (0: none),
  // and where sigma0 finds it, at the same offsets (its physical address may lie where a user
  // space cannot reach, above 3 GiB on ia32).
  word aperture_phys, aperture_size, aperture_va;
};
static_assert(sizeof(BootInfo) <= 4096, "boot info must fit one page");

} // namespace arc
