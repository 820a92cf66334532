// Helper threads at a checkpoint (docs/restarts.md, "Checkpoint and restore"). The kernel gives
// the instruction and stack pointers of a thread (exregs), not its other registers, so each helper
// thread saves them itself: stopped by the main thread at its restore point, it is started at
// arc_thread_park (arch/<arch>/park.S), which pushes every register on its own stack and waits;
// the checkpoint then copies its stack with the rest. The record (arc/proto/ckpt_caps.hh) says
// where each one's registers are; a restore has the pager start each helper at arc_thread_unpark
// on that stack, which pops them and returns where the thread was at the checkpoint.
#include "helpers.hh"

#include <arc/sys.hh>
#include <arc/transport.hh>

extern "C" void arc_thread_park();
extern "C" void arc_thread_unpark();

// The helper, every register pushed: say so, and wait until the checkpoint is taken (the main
// thread halts it meanwhile; after a restore it never comes back here).
extern "C" void arc_thread_park_wait(arc::detail::Park *p) {
  p->parked = 1;
  while (!p->go) arc::yield();
}

namespace arc::transport {

using namespace detail;

namespace {
// Give the helpers the processor until each has parked. They may be of a lower priority than
// ours (a yield passes only to our equals): after the first tries, sleep a millisecond.
bool wait_parked() {
  for (unsigned tries = 0; tries < 1100; ++tries) {
    bool all = true;
    for (unsigned i = 0; i < g_n_helpers; ++i)
      if (g_helpers[i].parked && !g_helpers[i].park.parked) all = false;
    if (all) return true;
    if (tries < 100) yield();
    else sleep_ms(1);
  }
  return false;
}
} // namespace

bool park_threads(ckpt_caps::Record *r) {
  r->n_threads = 0;
  r->thread_resume = 0;
  if (g_helpers_untracked) return false;   // one the pager could not stop at a restore
  if (!g_n_helpers) return true;
  bool incomplete = false;   // one left out that a restore could not put back
  for (unsigned i = 0; i < g_n_helpers; ++i) {
    Helper &h = g_helpers[i];
    h.parked = false;
    h.park = Park{0, 0, 0};
    // Held by another (the HA workers' delay): left so, and no checkpoint now.
    const Result info = syscall(Sys::thread_ctl, h.slot, word(ThreadOp::info));
    if (info.ok() && ThreadState(info.r[0]) == ThreadState::suspended) {
      incomplete = true;
      continue;
    }
    // Stopped wherever it is; an IPC it waits in is cancelled (it returns `cancelled` from it
    // when it goes on, as after a restore: an EINTR).
    const Result x = exchange_registers(h.slot, exregs::halt | exregs::abort_ipc);
    if (!x.ok()) {
      incomplete = true;
      continue;
    }
    if (ThreadState(x.r[3]) == ThreadState::dead || ThreadState(x.r[3]) == ThreadState::inactive)
      continue;   // ended (an exception nobody handles): nothing to keep
    word *sp = reinterpret_cast<word *>(x.r[1]);
    sp[-1] = x.r[0];                           // where it was: park.S returns there
    sp[-2] = reinterpret_cast<word>(&h.park);
    if (!exchange_registers(h.slot, exregs::set_ip | exregs::set_sp | exregs::resume,
                            reinterpret_cast<word>(&arc_thread_park), x.r[1] - 2 * sizeof(word)).ok()) {
      (void)exchange_registers(h.slot, exregs::resume);   // as it was, but not in the checkpoint
      incomplete = true;
      continue;
    }
    h.parked = true;
  }
  const bool all = !incomplete && wait_parked();
  for (unsigned i = 0; i < g_n_helpers; ++i) {
    Helper &h = g_helpers[i];
    if (!h.parked) continue;
    (void)exchange_registers(h.slot, exregs::halt);   // still while the pager copies
    if (all && r->n_threads < ckpt_caps::max_threads)
      r->threads[r->n_threads++] = {uint32_t(h.number), uint32_t(h.park.sp)};
  }
  if (!all) {
    unpark_threads();
    r->n_threads = 0;
    return false;
  }
  if (r->n_threads) r->thread_resume = uint32_t(reinterpret_cast<word>(&arc_thread_unpark));
  return true;
}

void unpark_threads() {
  for (unsigned i = 0; i < g_n_helpers; ++i) {
    Helper &h = g_helpers[i];
    if (!h.parked) continue;
    h.parked = false;
    h.park.go = 1;   // a helper not parked yet (a timeout) goes on as soon as it is
    (void)exchange_registers(h.slot, exregs::resume);
  }
}

} // namespace arc::transport
