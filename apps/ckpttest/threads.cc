// ckpt-threads NAME: a server with two helper threads, for the checkpoint of every thread of a
// process (apps/ckpttest/iface.hh; docs/restarts.md, "Checkpoint and restore"). Each helper keeps
// its progress in its registers only: how many steps it took and its own sequence's value (the
// first adds 3 a step, the second takes v * 5 + 1), published to memory after each step. It takes
// a step when the main thread asks for more than it took (thr_step), spinning on that word in
// between, with no call: nothing of its state is on its stack. So a restore that puts back the
// memory but not a helper's registers leaves that helper ahead of the memory, and it takes no
// step until the steps asked pass what its registers say: the next thr_step finds it stuck.
// The helpers run at a low priority (they spin): every other thread goes first.
#include "iface.hh"

#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <arc/thread.hh>

#include <stdio.h>

using namespace arc;

namespace {
const char *g_name = "ckthr";
constexpr unsigned helpers = 2;
volatile word g_want[helpers];    // steps asked of each helper (ordinary memory)
volatile word g_done[helpers];    // published by each helper after a step
volatile word g_value[helpers];
alignas(16) unsigned char g_stack[helpers][4096];
CapSlot g_thread[helpers];

template <unsigned I> void helper() {
  word done = 0, v = I == 0 ? 0 : 1;   // in registers: its state
  for (;;) {
    while (g_want[I] <= done) {
    }
    ++done;
    v = I == 0 ? v + 3 : v * 5 + 1;
    g_value[I] = v;
    g_done[I] = done;
  }
}

// Until both took every step asked (at most about 2 s): false if one did not.
bool settle() {
  for (unsigned ms = 0; ms < 2000; ++ms) {
    bool all = true;
    for (unsigned i = 0; i < helpers; ++i)
      if (g_done[i] != g_want[i]) all = false;
    if (all) return true;
    sleep_ms(1);   // the helpers are of a lower priority: they run while we sleep
  }
  // Say where the one behind is, for whoever reads the log.
  for (unsigned i = 0; i < helpers; ++i) {
    if (g_done[i] == g_want[i]) continue;
    const Result info = syscall(Sys::thread_ctl, g_thread[i], word(ThreadOp::info));
    const Result regs = exchange_registers(g_thread[i], 0);
    ::printf("[ckpt-threads] %s: helper %u stuck at %lu steps of %lu: state %lu, ip %lx, sp %lx\n", g_name,
             i + 1, g_done[i], g_want[i], info.r[0], regs.r[0], regs.r[1]);
  }
  return false;
}
} // namespace

class CkptThreads : public ArcServer<CkptThreads> {
public:
  CkptThreads() : ArcServer(g_name) {}

  Status Initialize() {
    void (*const entries[helpers])() = {&helper<0>, &helper<1>};
    for (unsigned i = 0; i < helpers; ++i) {
      const CapSlot t = g_thread[i] = start_thread({entries[i], g_stack[i], sizeof g_stack[i]});
      if (!t) {
        ::printf("[ckpt-threads] %s: cannot start helper %u\n", g_name, i + 1);
        return Status::no_memory;
      }
      // Below every other thread, with a slice of one tick: the kernel passes the processor
      // between equals when a slice ends, but a tick that also wakes a higher thread (ours,
      // polling every other tick in settle()) loses that turn, so a slice of an even number of
      // ticks could leave one helper never run.
      (void)thread_ctl(t, ThreadOp::set_priority, 2, 1);
    }
    RegisterName(g_name);
    ::printf("[ckpt-threads] %s: ready with %u helper threads\n", g_name, helpers);
    return Status::ok;
  }
  Recovery Recover() { return Recovery::cold; }   // its state is ordinary memory: a restore's
  static constexpr auto Handlers() {
    return handler_table<CkptThreads>({
        {ckpt::thr_step, 1, 1, &CkptThreads::Step, "thr_step"},
        {ckpt::thr_get, 0, 0, &CkptThreads::Get, "thr_get"},
        {ckpt::thr_mark, 0, 0, &CkptThreads::Mark, "thr_mark"},
    });
  }

  // MR1 steps for each helper -> MR2 0 if both took them (1: one is stuck), then the state.
  Status Step(const Request &req, Reply &rep) {
    if (!req.replayed)
      for (unsigned i = 0; i < helpers; ++i) g_want[i] = g_want[i] + req.arg(1);
    rep.put(settle() ? 0 : 1);
    return Get(req, rep);
  }
  // -> steps and value of each helper, as published.
  Status Get(const Request &, Reply &rep) {
    for (unsigned i = 0; i < helpers; ++i) {
      rep.put(g_done[i]);
      rep.put(g_value[i]);
    }
    return Status::ok;
  }
  Status Mark(const Request &req, Reply &rep) {
    MarkRestorePoint();
    return Get(req, rep);
  }
};

int main(int argc, char **argv) {
  if (argc > 1) g_name = argv[1];
  static CkptThreads server;
  return server.Run();
}
