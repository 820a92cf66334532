// hatest: what the HA workers must find (issue 11, docs/ha.md), one failure at a time.
//
//   hatest serve [peer=NAME]     a server (published under its boot name). `work n` answers
//                                n + 1 and the beats of its helper thread. `poke` provokes, once
//                                per boot (the flag is persistent, so the replay after the
//                                restart answers normally):
//                                  loop      the handler spins for ever in a tight loop;
//                                  deadlock  it calls its peer's `back`, which calls our `work`
//                                            while we wait for it: a cycle of two;
//                                  dead      its helper thread executes an invalid instruction;
//                                            the thread has no exception handler, so the kernel
//                                            stops it and tells nobody.
//   hatest client KIND SERVER [NAME...]
//                                (once the boot lines NAME... have ended) provokes KIND in SERVER
//                                and checks that it serves again: prints `HATEST: KIND recovered
//                                after N ms` or `HATEST: FAIL ...`.
//   hatest bench PLAIN WATCHED   the cost of being watched (docs/ha.md), on the fixed benchmark
//                                machine: `work` round trips and `compute` (digits of pi in the
//                                server) against a server without ha= and one with every
//                                worker, side by side: `HABENCH: ...` lines in instructions.
//   hatest pi N                  computes N decimal digits of pi (a spigot: seconds of work with
//                                no IPC at all, what the loop worker must not take for a loop)
//                                and prints the first ones and a checksum.
//
// The helper thread counts beats (every 10 ms) that `work` reports: a dead helper's beats stop.
#include <arc/arch.hh>
#include <arc/message.hh>
#include <arc/pdata.hh>
#include <arc/proto/root.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <arc/thread.hh>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

using namespace arc;

namespace hatest {
enum Label : word { work = 0x780, poke = 0x781, back = 0x782, compute = 0x783 };
enum Kind : word { loop = 1, deadlock = 2, dead = 3 };
template <class S> constexpr auto handlers = arc::handler_table<S>({
  {work, 1, 1, &S::Work, "work"},
  {poke, 1, 1, &S::Poke, "poke"},
  {back, 0, 0, &S::Back, "back"},
  {compute, 1, 1, &S::Compute, "compute"},
});
word kind_of(const char *s) {
  return !strcmp(s, "loop") ? word(loop) : !strcmp(s, "deadlock") ? word(deadlock)
         : !strcmp(s, "dead") ? word(dead) : 0;
}
word now_ms() {
  const Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  return r.r[0] * (r.r[1] ? r.r[1] : 1);
}
} // namespace hatest

namespace {

struct State {
  word provoked;   // bit per Kind: done once per boot, never again (the replay must not)
  CapSlot helper;  // the helper thread of the last start (a hot restart leaves it running)
};
ARC_PDATA State g = {};

char g_name[24];
const char *g_peer;
CapSlot g_peer_ep;

// The helper thread: beats, until told to die.
volatile word g_beats, g_die;
// Persistent, like everything a thread of a previous run may still touch: a hot restart gives
// the volatile pages back zeroed while that thread sleeps, until start_helper() ends it.
ARC_PDATA alignas(16) unsigned char g_helper_stack[4096];

void helper() {
  for (;;) {
    if (g_die) __builtin_trap();   // no handler: the kernel stops the thread
    g_beats = g_beats + 1;
    sleep_ms(10);
  }
}

// A new helper at every start (after a restart the old one is dead or gone with the old space)
// and named to the monitor for the HA workers to watch.
void start_helper() {
  // The helper of our last run still runs on the same stack after a hot restart (or lies dead):
  // it goes first. Deleting its capability, the only one, destroys it.
  if (g.helper) {
    (void)cap_delete(g.helper);
    slot_free(g.helper);
    g.helper = 0;
  }
  g_die = 0;
  ThreadStart t;
  t.entry = helper;
  t.stack = g_helper_stack;
  t.stack_bytes = sizeof g_helper_stack;
  t.handled = false;
  const CapSlot slot = start_thread(t);
  g.helper = slot;
  if (!slot) {
    ::printf("[%s] cannot start the helper thread\n", g_name);
    return;
  }
  const Status st = ha_watch(slot, 1);
  // not_supported: our boot line's ha= asks for no watch a helper can have (deadlock only).
  if (st != Status::ok && st != Status::not_supported)
    ::printf("[%s] helper not watched (status %lu)\n", g_name, word(st));
}

bool pi_digits(word n, char *out);
word digit_sum(const char *d);

// The peer's endpoint, looked up when first needed (the peers start in either order).
CapSlot peer() {
  if (g_peer_ep || !g_peer) return g_peer_ep;
  const CapSlot s = slot_alloc();
  if (s && name_wait(g_peer, s, 3000) == Status::ok) g_peer_ep = s;
  return g_peer_ep;
}

} // namespace

// The monitor watches only a process's own threads: a thread we make in another space of ours
// (from our factory) is refused, and one bound to no space too. Said once, at the first start.
bool g_check_foreign;   // `serve check-foreign`

void foreign_watch_refused() {
  const CapSlot space = slot_alloc(), thread = slot_alloc();
  Status bound = Status::no_memory, unbound = Status::no_memory;
  if (space && thread && create(proc::factory, ObjType::thread, thread) == Status::ok) {
    unbound = ha_watch(thread, 2);
    if (create(proc::factory, ObjType::space, space, 4) == Status::ok &&
        thread_ctl(thread, ThreadOp::bind_space, space) == Status::ok)
      bound = ha_watch(thread, 2);
  }
  ::printf("[%s] a watch of a thread of another space: %s, of a thread of no space: %s\n", g_name,
           status_name(bound), status_name(unbound));
  (void)cap_delete(thread);
  (void)cap_delete(space);
  slot_free(thread);
  slot_free(space);
}

class HaTest : public ArcServer<HaTest> {
public:
  HaTest() : ArcServer(g_name) {}
  Status Initialize() {
    g.provoked = 0;
    RegisterName(g_name);
    if (g_check_foreign) foreign_watch_refused();
    start_helper();
    ::printf("[%s] ready\n", g_name);
    return Status::ok;
  }
  Recovery Recover() {
    start_helper();
    ::printf("[%s] recovered: %s\n", g_name,
             in_flight().state == InFlight::serving ? "replaying" : "nothing in progress");
    return Recovery::resume;
  }
  static constexpr auto Handlers() { return hatest::handlers<HaTest>; }

  Status Work(const Request &req, Reply &rep) {
    rep.put(req.arg(1) + 1);
    rep.put(g_beats);
    return Status::ok;
  }
  Status Poke(const Request &req, Reply &) {
    const word kind = req.arg(1);
    if (kind < hatest::loop || kind > hatest::dead) return Status::invalid_arg;
    if (g.provoked & (1u << kind)) return Status::ok;   // the replay: done already
    g.provoked |= 1u << kind;
    switch (kind) {
    case hatest::loop:
      ::printf("[%s] looping from %lu ms\n", g_name, hatest::now_ms());
      for (;;) asm volatile("" ::: "memory");   // a panic's tight loop, no progress
    case hatest::deadlock: {
      if (!peer()) return Status::not_supported;
      ::printf("[%s] calling %s, which calls us back, from %lu ms\n", g_name, g_peer, hatest::now_ms());
      Rpc rpc(hatest::back);
      return rpc.call(g_peer_ep);
    }
    case hatest::dead:
      ::printf("[%s] helper thread dies at %lu ms\n", g_name, hatest::now_ms());
      g_die = 1;
      return Status::ok;
    }
    return Status::invalid_arg;
  }
  // Digits of pi, for the benchmark: MR1 how many (2..5000); the reply their digit sum.
  Status Compute(const Request &req, Reply &rep) {
    const word n = req.arg(1);
    if (n < 2 || n > 5000) return Status::invalid_arg;
    char *out = static_cast<char *>(malloc(n + 1));
    const bool ok = out && pi_digits(n, out);
    if (ok) rep.put(digit_sum(out));
    free(out);
    return ok ? Status::ok : Status::no_memory;
  }
  // The peer's half of the deadlock: call it back while it waits for us.
  Status Back(const Request &, Reply &) {
    if (!peer()) return Status::not_supported;
    Rpc rpc(hatest::work);
    rpc.put(0);
    return rpc.call(g_peer_ep);
  }
};

namespace {

// Rabinowitz and Wagon's spigot: n digits from an array of 10n/3 + 1 remainders, one pass over
// it per digit; held-back nines are released when the next digit is known.
// The digits into out (n + 1 bytes); false when there is no memory.
bool pi_digits(word n, char *out) {
  const word len = n * 10 / 3 + 1;
  word *a = static_cast<word *>(malloc(len * sizeof(word)));
  if (!a) return false;
  for (word i = 0; i < len; ++i) a[i] = 2;
  word produced = 0, nines = 0, predigit = 0;
  for (word j = 0; j < n + 1 && produced < n; ++j) {
    word q = 0;
    for (word i = len; i-- > 0;) {
      const word x = 10 * a[i] + q * (i + 1);
      a[i] = x % (2 * i + 1);
      q = x / (2 * i + 1);
    }
    a[0] = q % 10;
    q /= 10;
    auto emit = [&](word d) { if (produced < n) out[produced++] = char('0' + d); };
    if (q == 9) {
      ++nines;
    } else if (q == 10) {
      emit(predigit + 1);
      for (; nines; --nines) emit(0);
      predigit = 0;
    } else {
      if (j) emit(predigit);
      predigit = q;
      for (; nines; --nines) emit(9);
    }
  }
  out[produced] = 0;
  free(a);
  return true;
}

word digit_sum(const char *d) {
  word sum = 0;
  for (; *d; ++d) sum += word(*d - '0');
  return sum;
}

int pi(word n) {
  if (n < 2 || n > 20000) return 2;
  char *out = static_cast<char *>(malloc(n + 1));
  const word t0 = hatest::now_ms();
  if (!out || !pi_digits(n, out)) return 1;
  const word produced = strlen(out);
  word sum = 0;
  for (word i = 0; i < produced; ++i) sum += word(out[i] - '0');
  ::printf("HATEST: pi %.12s... %lu digits, digit sum %lu, in %lu ms\n", out, produced, sum,
           hatest::now_ms() - t0);
  return 0;
}

// Round trips and computations against both servers, in alternating blocks so that whatever
// else the machine does falls on both alike.
int bench(const char *plain_name, const char *watched_name) {
  const CapSlot eps[2] = {slot_alloc(), slot_alloc()};
  const char *names[2] = {plain_name, watched_name};
  for (int i = 0; i < 2; ++i)
    if (name_wait(names[i], eps[i], 3000) != Status::ok) {
      ::printf("HATEST: FAIL no server '%s'\n", names[i]);
      return 1;
    }
  sleep_ms(300);   // the monitor has armed the watches (it looks every 20 ms)
  unsigned long long ipc[2] = {}, comp[2] = {};
  constexpr word blocks = 4, calls = 500, digits = 500;
  word sums[2] = {};
  for (word b = 0; b < blocks; ++b)
    for (int i = 0; i < 2; ++i) {
      unsigned long long t0 = arch::cycles();
      for (word c = 0; c < calls; ++c) {
        Rpc rpc(hatest::work);
        rpc.put(c);
        if (rpc.call(eps[i]) != Status::ok || rpc.result(0) != c + 1) {
          ::printf("HATEST: FAIL %s answers wrongly\n", names[i]);
          return 1;
        }
      }
      ipc[i] += arch::cycles() - t0;
      t0 = arch::cycles();
      Rpc rpc(hatest::compute);
      rpc.put(digits);
      if (rpc.call(eps[i]) != Status::ok) {
        ::printf("HATEST: FAIL %s does not compute\n", names[i]);
        return 1;
      }
      comp[i] += arch::cycles() - t0;
      sums[i] = rpc.result(0);
    }
  if (sums[0] != sums[1]) {
    ::printf("HATEST: FAIL the two servers' digits differ\n");
    return 1;
  }
  auto pct = [](unsigned long long a, unsigned long long b) {
    return long((long long)(b - a) * 1000 / (long long)a);   // per mille
  };
  const unsigned long long rt0 = ipc[0] / (blocks * calls), rt1 = ipc[1] / (blocks * calls);
  const unsigned long long c0 = comp[0] / blocks, c1 = comp[1] / blocks;
  const long p_ipc = pct(rt0, rt1), p_comp = pct(c0, c1);
  ::printf("HABENCH: work round trip: unwatched %llu, watched %llu (%+ld.%ld %%)\n", rt0, rt1,
           p_ipc / 10, (p_ipc < 0 ? -p_ipc : p_ipc) % 10);
  ::printf("HABENCH: %lu digits of pi in the server: unwatched %llu, watched %llu (%+ld.%ld %%)\n",
           digits, c0, c1, p_comp / 10, (p_comp < 0 ? -p_comp : p_comp) % 10);
  return 0;
}

// Wait until the boot line `name` runs no process (root::servers), for at most a minute.
bool wait_ended(const char *name) {
  const size_t len = strlen(name);
  for (word waited = 0; waited < 60000; waited += 50) {
    bool running = false;
    for (word i = 0;; ++i) {
      Rpc rpc(root::servers);
      rpc.put(i);
      if (rpc.call(proc::root) != Status::ok) break;   // past the last line
      char text[72];
      if (rpc.result_string(2, 16, text, sizeof text) && !strncmp(text, name, len) &&
          text[len] == ' ')
        running = rpc.result(0) != 0;
    }
    if (!running) return true;
    sleep_ms(50);
  }
  return false;
}

// The pid and restarts of the boot line `name` (root::servers); false if it is not running.
bool server_state(const char *name, word *pid, word *restarts) {
  const size_t len = strlen(name);
  for (word i = 0;; ++i) {
    Rpc rpc(root::servers);
    rpc.put(i);
    if (rpc.call(proc::root) != Status::ok) return false;
    char text[72];
    if (rpc.result_string(2, 16, text, sizeof text) && !strncmp(text, name, len) && text[len] == ' ') {
      *pid = rpc.result(0);
      *restarts = rpc.result(1);
      return *pid != 0;
    }
  }
}

// `client KIND SERVER restart-workers`: the HA workers (boot line `ha`) are killed first and come
// back by their policy; the monitor must stop them (HA_stop) and start them again (HA_start) with
// every watch made anew, or the failure poked next would go unseen. Needs may=kill.
bool restart_workers() {
  sleep_ms(300);   // the workers up and every watch made: what their restart must make again
  word pid = 0, restarts = 0;
  if (!server_state("ha", &pid, &restarts)) return false;
  Rpc kill(root::kill);
  kill.put(pid);
  if (kill.call(proc::root) != Status::ok) return false;
  for (word waited = 0; waited < 5000; waited += 20) {
    sleep_ms(20);
    word now_pid = 0, now_restarts = 0;
    if (server_state("ha", &now_pid, &now_restarts) && now_restarts > restarts) {
      sleep_ms(200);   // the monitor's next passes watch everything again
      ::printf("HATEST: workers restarted (pid %lu, then %lu)\n", pid, now_pid);
      return true;
    }
  }
  return false;
}

int client(const char *kind_name, const char *server) {
  const word kind = hatest::kind_of(kind_name);
  const CapSlot ep = slot_alloc();
  if (!kind || name_wait(server, ep, 3000) != Status::ok) {
    ::printf("HATEST: FAIL no kind '%s' or no server '%s'\n", kind_name, server);
    return 1;
  }
  auto work = [&](word n, word *beats) {
    Rpc rpc(hatest::work);
    rpc.put(n);
    const Status st = rpc.call(ep);
    if (beats) *beats = rpc.result(1);
    return st == Status::ok && rpc.result(0) == n + 1;
  };
  word beats = 0;
  for (word i = 0; i < 10; ++i)
    if (!work(i, &beats)) {
      ::printf("HATEST: FAIL %s does not serve before the test\n", server);
      return 1;
    }
  sleep_ms(100);
  word before = 0;
  (void)work(0, &before);
  if (before <= beats) {
    ::printf("HATEST: FAIL %s's helper does not beat (%lu then %lu)\n", server, beats, before);
    return 1;
  }
  const word t0 = hatest::now_ms();
  Rpc rpc(hatest::poke);
  rpc.put(kind);
  const Status st = rpc.call(ep);
  if (st != Status::ok) {
    ::printf("HATEST: FAIL poke %s answered status %lu\n", kind_name, word(st));
    return 1;
  }
  if (kind == hatest::dead) {
    // The poke is answered at once; the helper is gone until the monitor restarts the server,
    // which then starts a new one: its beats start again from where the process counts them.
    word last = 0, stalled_at = 0;
    (void)work(0, &last);
    for (word waited = 0; waited < 5000; waited += 20) {
      sleep_ms(20);
      word now = 0;
      if (!work(1, &now)) {
        ::printf("HATEST: FAIL %s answers wrongly\n", server);
        return 1;
      }
      // Stalled: no beat since the last look. Or beats counted from 0 again: the server was
      // restarted (its volatile counter with it) between two looks, a stall shorter than one.
      if (now <= last) {
        if (!stalled_at) stalled_at = hatest::now_ms();
      } else if (stalled_at) {
        ::printf("HATEST: dead recovered after %lu ms (helper stalled for %lu ms)\n",
                 hatest::now_ms() - t0, hatest::now_ms() - stalled_at);
        break;
      }
      last = now;
      if (waited + 20 >= 5000) {
        ::printf("HATEST: FAIL the helper never beats again\n");
        return 1;
      }
    }
  } else {
    ::printf("HATEST: %s recovered after %lu ms\n", kind_name, hatest::now_ms() - t0);
  }
  for (word i = 0; i < 10; ++i)
    if (!work(100 + i, nullptr)) {
      ::printf("HATEST: FAIL %s does not serve after recovery\n", server);
      return 1;
    }
  ::printf("HATEST: %s serves again\n", server);
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  if (argc >= 3 && !strcmp(argv[1], "pi")) return pi(strtoul(argv[2], nullptr, 0));
  if (argc >= 4 && !strcmp(argv[1], "bench")) return bench(argv[2], argv[3]);
  if (argc >= 4 && !strcmp(argv[1], "client")) {
    for (int i = 4; i < argc; ++i)
      if (!strcmp(argv[i], "restart-workers")) {
        if (!restart_workers()) {
          ::printf("HATEST: FAIL the workers were not restarted\n");
          return 1;
        }
      } else if (!wait_ended(argv[i])) {
        ::printf("HATEST: FAIL %s did not end\n", argv[i]);
        return 1;
      }
    return client(argv[2], argv[3]);
  }
  if (argc < 2 || strcmp(argv[1], "serve")) {
    ::printf("usage: hatest serve [peer=NAME] [check-foreign] | hatest client loop|deadlock|dead SERVER [NAME...]"
             " | hatest pi DIGITS\n");
    return 2;
  }
  const proc::Info *info = process_info();
  strncpy(g_name, info ? info->name : "hatest", sizeof g_name - 1);
  for (int i = 2; i < argc; ++i)
    if (!strncmp(argv[i], "peer=", 5)) g_peer = argv[i] + 5;
    else if (!strcmp(argv[i], "check-foreign")) g_check_foreign = true;
  static HaTest server;
  return server.Run();
}
