// The process's helper threads (threads.hh; docs/restarts.md, "Checkpoint and restore").
#include "threads.hh"

#include <arc/libc.h>
#include <arc/proto/ckpt_caps.hh>
#include <arc/sys.hh>
#include <string.h>

namespace p3::threads {

using namespace arc;
namespace cc = arc::ckpt_caps;

namespace {
// Thread number n's capability is in slot first_slot + n - 1 of ours (a pager's capability space
// has 32 slots: 12..14 are the process's space, main thread and fault endpoint).
constexpr CapSlot first_slot = 16;
static_assert(first_slot + cc::max_threads <= 32, "the pager's capability space");
bool known[cc::max_threads];
bool halted[cc::max_threads];
CapSlot slot_of(unsigned number) { return first_slot + CapSlot(number) - 1; }

word space_of(CapSlot thread) {
  const Result r = syscall(Sys::thread_ctl, thread, word(ThreadOp::info));
  return r.ok() ? r.r[2] : 0;
}
void reply(Utcb *u, Status s, unsigned extra = 0) {
  u->mr[0] = Tag(0, 1 + extra, 0).raw;
  u->mr[1] = word(s);
}
} // namespace

word receive_slot() {
  for (unsigned i = 0; i < cc::max_threads; ++i)
    if (!known[i]) return slot_of(i + 1);
  return 0;
}

void message_done(bool typed) {
  if (!typed) return;
  if (const word slot = receive_slot()) (void)cap_delete(slot);   // empty, or what was not taken
}

void add(Utcb *u, word badge, CapSlot client_thread) {
  const word slot = receive_slot();
  const Tag tag(u->mr[0]);
  if (badge == 0) return reply(u, Status::no_rights);   // the process's own message only
  if (!slot) return reply(u, Status::no_memory);
  if (tag.typed() < 2 || tag.map_failed()) return reply(u, Status::invalid_arg);
  // A thread bound to the process's space, not any thread it may hold a capability to.
  const word space = space_of(slot);
  if (!space || space != space_of(client_thread)) {
    (void)cap_delete(slot);
    return reply(u, Status::no_rights);
  }
  const unsigned number = unsigned(slot - first_slot) + 1;
  known[number - 1] = true;
  halted[number - 1] = false;
  reply(u, Status::ok, 1);
  u->mr[2] = number;
}

unsigned known_mask() {
  unsigned m = 0;
  for (unsigned i = 0; i < cc::max_threads; ++i)
    if (known[i]) m |= 1u << (i + 1);
  return m;
}

void halt_all() {
  for (unsigned i = 0; i < cc::max_threads; ++i)
    if (known[i]) {
      (void)exchange_registers(slot_of(i + 1), exregs::halt | exregs::abort_ipc);
      halted[i] = true;
    }
}

unsigned restore(const Checkpoint &ckpt, const char *name) {
  cc::Record r{};
  if (const unsigned char *at = ckpt.caps_va() ? ckpt.copy_at(ckpt.caps_va()) : nullptr)
    memcpy(&r, at, sizeof r);
  if (r.magic != cc::magic) r = cc::Record{};
  unsigned back = 0;
  bool recorded[cc::max_threads] = {};
  for (uint32_t i = 0; i < r.n_threads && i < cc::max_threads; ++i) {
    const cc::Thread &t = r.threads[i];
    if (t.number < 1 || t.number > cc::max_threads || !known[t.number - 1] || !r.thread_resume) {
      printf("[pager] %s: thread %u of the checkpoint is not here: not put back\n", name, unsigned(t.number));
      continue;
    }
    recorded[t.number - 1] = true;
    if (exchange_registers(slot_of(t.number), exregs::set_ip | exregs::set_sp | exregs::resume,
                           r.thread_resume, t.sp).ok()) {
      halted[t.number - 1] = false;
      ++back;
    }
  }
  for (unsigned i = 0; i < cc::max_threads; ++i)
    if (known[i] && halted[i] && !recorded[i])
      printf("[pager] %s: thread %u was made after the checkpoint: held\n", name, i + 1);
  return back;
}

void forget() {
  for (unsigned i = 0; i < cc::max_threads; ++i)
    if (known[i]) {
      (void)cap_delete(slot_of(i + 1));
      known[i] = halted[i] = false;
    }
}

} // namespace p3::threads
