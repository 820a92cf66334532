// demo-counter: a small ArcServer. Its significant state (the value, how many adds, what the
// last add produced) is persistent, so a hot or warm restart keeps it and the interrupted
// request is replayed exactly once; a cold restart starts again from zero.
//
// Boot configuration:   server counter demo-counter restart=hot,warm,cold
//
// With the argument `leak` it leaks: every add allocates a heap page, touches it and never frees
// it (for the proactive-restart tests: renew-pages= and renew-every= bound what it holds). The
// heap is volatile, so a hot or warm restart takes the leak back; the counter, in .pdata, goes
// on. With `slow` every add also waits 10 ms, as for a device, so that a monitor looking for a
// quiet point often finds one in progress. With `name=NAME` it publishes itself under NAME
// instead of "counter" (a second counter in one domain, as the domain scenarios have).
#include "counter_iface.hh"

#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/proto/pager.hh>
#include <arc/proto/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

namespace {
// Everything that matters, in one persistent place (STYLE 11/13).
struct CounterState {
  long value;
  word adds;
  word applied_seq;      // the request number of the last add applied ...
  long applied_value;    // ... and the value it produced (for an exactly-once replay)
  word replays;          // restarts that found a request in progress (served again)
};
ARC_PDATA CounterState g_counter = {};

bool g_leak, g_slow;   // from the arguments, at every start
} // namespace

// Fault-injection sites (the fault scenarios in tests/qemu find them by name in the symbol table and arm
// fault= there, tests/qemu/fault-injection/test-fault-*.cfg): every add runs the first, every get the second.
// noipa: never inlined, cloned or merged, so the symbol is the code that runs. On ARM the add's
// site is Thumb code and the get's ARM code, so that both instruction sets are tried.
#if defined(__arm__)
#define DEMO_THUMB __attribute__((target("thumb")))
#else
#define DEMO_THUMB
#endif
extern "C" __attribute__((noipa)) DEMO_THUMB long demo_counter_step(long value, long delta) {
  return value + delta;
}
extern "C" __attribute__((noipa)) long demo_counter_read(const long *value) { return *value; }

namespace {

// One page of heap, touched (so the pager really gives it) and never freed.
void leak_page() {
  if (void *p = malloc(4096)) memset(p, 0x5a, 4096);
}
} // namespace

const char *g_name = demo::counter::service_name;

class Counter : public ArcServer<Counter> {
public:
  Counter() : ArcServer("counter") {}

  Status Initialize() {
    g_counter = CounterState{};
    RegisterName(g_name);
    log_line("[counter] ready (first start)%s%s\n", g_leak ? ", leaking a page per add" : "",
             g_slow ? ", 10 ms per add" : "");
    return Status::ok;
  }
  Recovery Recover() {
    // A failure interrupts a request (replayed next); a renewal waits for a quiet point.
    const bool interrupted = in_flight().state == InFlight::serving;
    g_counter.replays += interrupted;
    // On the way to the replayed reply, which the benchmarks time: the framework's small
    // formatter (arc::log_line) rather than newlib's printf, some 45 instructions a character.
    log_line("[counter] recovered: value %ld after %lu adds, %u sessions; %s\n", g_counter.value,
             g_counter.adds, sessions().count(), interrupted ? "replaying" : "nothing in progress");
    // Hot and warm restarts keep our endpoint, so clients' capabilities stay good: no need to
    // publish again (a cold restart runs Initialize, which does).
    return Recovery::resume;
  }
  void Exit() { log_line("[counter] exit\n"); }

  static constexpr auto Handlers() { return demo::counter::handlers<Counter>; }

  Status Add(const Request &req, Reply &rep) {
    if (g_leak) leak_page();
    if (g_slow) sleep_ms(10);
    if (req.replayed && req.seq == g_counter.applied_seq) {
      g_counter.value = g_counter.applied_value;   // applied before the failure: do not redo
    } else {
      const long next = demo_counter_step(g_counter.value, long(req.arg(1)));
      g_counter.applied_value = next;
      g_counter.applied_seq = req.seq;
      g_counter.value = next;
      ++g_counter.adds;
    }
    rep.put(word(g_counter.value));
    return Status::ok;
  }
  Status Get(const Request &, Reply &rep) {
    rep.put(word(demo_counter_read(&g_counter.value)));
    rep.put(g_counter.adds);
    return Status::ok;
  }
  Status Sum(const Request &req, Reply &rep) {
    SessionEntry *s = sessions().Find(req.badge, req.arg(1));
    const word count = req.arg(2);
    if (!s || count < 1 || count > demo::counter::max_count) return Status::invalid_arg;
    long total = 0;
    for (word i = 0; i < count; ++i) {
      long v;
      if (!s->Get(i * sizeof(long), &v, sizeof(v))) return Status::invalid_arg;   // past the area
      total += v;
    }
    if (!s->Put(count * sizeof(long), &total, sizeof(total))) return Status::invalid_arg;
    rep.put(word(total));
    return Status::ok;
  }
  // Where the state lives: inside .pdata (the pager keeps those pages across restarts), and how
  // many persistent pages our pager counts.
  Status Info(const Request &, Reply &rep) {
    const proc::Info *info = process_info();
    const word at = word(&g_counter);
    const bool inside = info && at >= info->pdata_start && at + sizeof(g_counter) <= info->pdata_end;
    Rpc counts(pager::counts);
    const Status st = counts.call(proc::pager);
    if (st != Status::ok) return st;
    rep.put(inside ? 1 : 0);
    rep.put(counts.result(1));
    rep.put(counts.result(0));
    rep.put(g_counter.replays);
    return Status::ok;
  }
  [[noreturn]] Status Crash(const Request &, Reply &) { panic("crash requested by a client"); }
};

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (!strncmp(argv[i], "name=", 5)) g_name = argv[i] + 5;
    g_leak |= !strcmp(argv[i], "leak");
    g_slow |= !strcmp(argv[i], "slow");
  }
  static Counter server;
  return server.Run();
}
