// A thread: the unit of execution and of IPC. Its control block shares one frame with its kernel
// stack (the L4 layout): the kernel finds the current thread from the stack pointer, and the
// saved user registers sit at a fixed place at the top of that stack.
#pragma once
#include "object/kobject.hh"
#include "cap/cspace.hh"
#include "lib/list.hh"
#include "perfmon/perfmon.hh"
#include "arch/thread_arch.hh"
#include "arch/cpu.hh"

namespace kern {

class Space;
class Endpoint;

class Thread : public Kobject {
public:
  static constexpr ObjType tag = ObjType::thread;
  using State = arc::ThreadState;

  [[nodiscard]] static Thread *create(Factory *f);
  static Thread *create_kernel(void (*entry)());   // the idle thread
  void destroy();

  static Thread *current() { return reinterpret_cast<Thread *>(arch::stack_pointer() & ~page_mask); }
  arch::UserFrame *frame() { return arch::user_frame_of(this); }
  word kstack_top() const { return reinterpret_cast<word>(this) + page_size - arch::kstack_pad; }

  bool runnable() const { return state == State::ready && !halted; }
  bool is_user() const { return space != nullptr; }

  // --- scheduling
  Link<Thread> sched_link;       // ready queue or an endpoint's queue (never both)
  Link<Thread> timeout_link;     // timeout list
  // The priority and the three flags that keep a blocked partner from the IPC fast path share
  // one word, so the fast path reads them with one load (ipc/fastpath.cc, plain_partner).
  union {
    struct {
      uint8_t prio;
      bool halted;               // exregs halt: not scheduled while set
      bool in_timeout;
      // Kernel-synthesised messages (page fault, exception): while kmsg is set our message
      // registers are kmsg_mr, not our user registers, so the faulting context stays intact.
      bool kmsg;
    };
    uint32_t prio_and_flags = 0;
  };
  static constexpr uint32_t flags_mask = 0xffffff00;   // prio_and_flags without prio (little-endian)
  word timeslice = 10;           // ticks
  word slice_left = 10;
  word wakeup = 0;               // tick at which a blocking IPC times out
  State state = State::inactive;

  // --- address space
  Space *space = nullptr;
  Link<Thread> space_link;       // the space's list of its threads
  word utcb_user = 0;            // UTCB address in the space
  arc::Utcb *utcb = nullptr;     // the same UTCB through the kernel's direct map
  unsigned utcb_index = 0;

  // --- IPC
  Endpoint *blocked_on = nullptr;   // endpoint whose send or receive queue we sit on
  bool calling = false;             // our blocked send is a call (we want the reply)
  word send_badge = 0;              // badge of the capability we are sending through
  word send_rights = 0;             // rights of that capability (grant allows items)
  word call_timeout = 0;            // receive timeout of a blocked call, for its reply phase
  Status ipc_status = Status::ok;   // result for a blocked IPC, set by whoever wakes us
  word ipc_badge = 0;               // badge delivered to us
  Thread *partner = nullptr;        // while waiting for a reply: the server we called
  word saved_by_space = 0;          // ... or, once it saved our reply right, its space's id
  word reply_gen = 0;               // bumped whenever a pending reply right to us goes stale
  Thread *reply_to = nullptr;       // our pending caller (reply right) ...
  word reply_to_gen = 0;            // ... valid while its reply_gen equals this

  // kmsg (above, with the priority): the kernel message's registers.
  word kmsg_mr[8] = {};
  word kmsg_label = 0;

  // Capabilities held by the thread itself (children in the derivation tree of what was given).
  Cap pager;
  Cap handler;

  PerfState perf;
  arch::ThreadArch arch;

private:
  Thread() : Kobject(tag, nullptr) {}
  explicit Thread(Factory *f) : Kobject(tag, f) {}
};

// The kernel stack shares the thread's frame; leave it room.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "prio is the low byte of prio_and_flags");
static_assert(sizeof(Thread) <= 1536, "thread control block leaves too little kernel stack");

} // namespace kern
