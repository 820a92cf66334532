// Perfmon: per-thread virtual counters. Cycles and the kernel's software events grow while the
// thread runs or does IPC, stay still while it blocks, are kept per thread, and reading another
// thread's counters needs a thread capability with the perfmon right.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
unsigned long long rd(CapSlot t, unsigned c) { return perf_read(t, c); }

struct Work {
  CapSlot ep;
  word calls;             // IPC calls to make
  word spin_ms;           // then spin this long
  word touch;             // then touch this page (0 = none)
  volatile word phase;    // 1 = work done, now blocked
  volatile word go;
  volatile word done;
};
Work work, work2;

void worker(word arg) {
  Work &w = *reinterpret_cast<Work *>(arg);
  while (!w.go) sleep_ms(1);
  for (word i = 0; i < w.calls; ++i) {
    set_tag(0x31, 0);
    send(w.ep, t_2s);
  }
  word t0 = kd_ticks();
  while (kd_ticks() - t0 < w.spin_ms) {}
  if (w.touch) *reinterpret_cast<volatile word *>(w.touch) = 1;
  w.phase = 1;
  recv(w.ep, nullptr, forever);   // blocks: nobody sends on this endpoint to us
  w.done = 1;
}
} // namespace

ARC_TEST(PMU0001, "info: 4 counters, cycles and all software events available") {
  Result r = perfmon(cap_self, PerfOp::info);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], word(perf_counters));
  word need = (1u << event::cycles) | (1u << event::context_switch) | (1u << event::ipc_sent) |
              (1u << event::ipc_received) | (1u << event::page_fault) |
              (1u << event::time_running) | (1u << event::upc_change) |
              (1u << event::ipc_request) | (1u << event::ustate_same);
  REQUIRE_EQ(r.r[1] & need, need);
  REQUIRE_OK(perfmon(boot_cap::thread, PerfOp::info).status);
}

ARC_TEST(PMU0002, "argument checks: counter, event, capability type, operation") {
  REQUIRE_EQ(perfmon(cap_self, PerfOp::config, perf_counters, event::cycles).status,
             Status::invalid_arg);
  REQUIRE_EQ(perfmon(cap_self, PerfOp::read, 77).status, Status::invalid_arg);
  REQUIRE_EQ(perfmon(cap_self, PerfOp::config, 0, event::max).status, Status::invalid_arg);
  REQUIRE_EQ(perfmon(cap_self, PerfOp::config, 0, 9).status, Status::invalid_arg);   // no event 9
  REQUIRE_EQ(perfmon(boot_cap::factory, PerfOp::info).status, Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::perfmon, cap_self, 99).status, Status::invalid_arg);
}

ARC_TEST(PMU0003, "hardware instructions event: not_supported without a PMU") {
  Result info = perfmon(cap_self, PerfOp::info);
  REQUIRE_OK(info.status);
  Status st = perfmon(cap_self, PerfOp::config, 1, event::instructions).status;
  if (info.r[1] & (1u << event::instructions)) {
    printf("  (the CPU has an instruction counter)\n");
    REQUIRE_OK(st);
  } else {
    REQUIRE_EQ(st, Status::not_supported);
  }
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 1, event::none).status);
}

ARC_TEST(PMU0004, "cycles grow while we run; config zeroes, reset zeroes") {
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 0, event::cycles).status);
  unsigned long long a = rd(cap_self, 0);
  for (int i = 0; i < 1000000; ++i) asm volatile("");
  unsigned long long b = rd(cap_self, 0);
  // Only the direction is checked: on boards whose cycle counter is derived from a timer
  // (realview-pb-a8), or from the host's clock without -icount (virt), the amount depends on how
  // fast the host runs the guest. The loop is long so that the read after the reset below, a
  // few instructions later, stays under b even when the host stops the guest for a while (with
  // 10^5 iterations a loaded host once made it larger).
  REQUIRE(b > a);
  REQUIRE_OK(perfmon(cap_self, PerfOp::reset, 0).status);
  REQUIRE(rd(cap_self, 0) < b);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 0, event::none).status);
  REQUIRE_EQ(rd(cap_self, 0), 0ull);
}

ARC_TEST(PMU0005, "software counters of another thread grow with its work, still while blocked") {
  work = Work{};
  work.ep = make(ObjType::endpoint);
  work.calls = 5;
  work.spin_ms = 30;
  work.touch = 0x4a000000;   // never touched before: a page fault to sigma0
  REQUIRE(work.ep);
  CapSlot t = spawn(worker, word(&work));
  REQUIRE(t);
  const word ev[4] = {event::ipc_sent, event::page_fault, event::time_running,
                      event::upc_change};
  for (unsigned c = 0; c < 4; ++c) REQUIRE_OK(perfmon(t, PerfOp::config, c, ev[c]).status);
  for (unsigned c = 0; c < 4; ++c) REQUIRE_EQ(rd(t, c), 0ull);
  work.go = 1;
  for (word i = 0; i < work.calls; ++i) REQUIRE_OK(recv(work.ep, nullptr, t_2s));
  REQUIRE(wait_for(work.phase));
  REQUIRE(wait_state(t, ThreadState::recv_blocked));
  unsigned long long v[4];
  for (unsigned c = 0; c < 4; ++c) v[c] = rd(t, c);
  REQUIRE_EQ(v[1], 1ull);
  // 5 sends; the page-fault message the kernel sent for it is a page fault, not an IPC.
  REQUIRE_EQ(v[0], 5ull);
  REQUIRE_RANGE(v[2], 15ull, 60ull);
  REQUIRE(v[3] >= 1);
  sleep_ms(20);
  for (unsigned c = 0; c < 4; ++c) REQUIRE_EQ(rd(t, c), v[c]);
}

ARC_TEST(PMU0006, "ipc_received and context_switch count; counters are per thread") {
  work = Work{};
  work2 = Work{};
  work.ep = make(ObjType::endpoint);
  work2.ep = make(ObjType::endpoint);
  REQUIRE(work.ep && work2.ep);
  work.calls = 5;
  work2.calls = 3;
  CapSlot a = spawn(worker, word(&work));
  CapSlot b = spawn(worker, word(&work2));
  REQUIRE(a && b);
  REQUIRE_OK(perfmon(a, PerfOp::config, 0, event::ipc_sent).status);
  REQUIRE_OK(perfmon(b, PerfOp::config, 0, event::ipc_sent).status);
  REQUIRE_OK(perfmon(a, PerfOp::config, 1, event::context_switch).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 2, event::ipc_received).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 3, event::ipc_sent).status);
  work.go = 1;
  work2.go = 1;
  for (word i = 0; i < 8; ++i) {
    Status st = recv(work.ep, nullptr, ipc::timeouts(0, 1));
    if (st != Status::ok) st = recv(work2.ep, nullptr, t_2s);
    if (st != Status::ok) REQUIRE_OK(st);
  }
  unsigned long long got = rd(cap_self, 2), sent = rd(cap_self, 3);
  REQUIRE(wait_for(work.phase));
  REQUIRE(wait_for(work2.phase));
  REQUIRE_EQ(rd(a, 0), 5ull);
  REQUIRE_EQ(rd(b, 0), 3ull);
  REQUIRE(rd(a, 1) >= 1);
  REQUIRE_EQ(got, 8ull);
  REQUIRE_EQ(sent, 0ull);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 2, event::none).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 3, event::none).status);
}

namespace {
// A server that never times out, so calls to it take the IPC fast path (kernel/ipc/fastpath.hh).
struct Plain {
  CapSlot ep;
  volatile word served;
};
Plain plain;
Echo pecho;
void plain_server(word arg) {
  Plain &p = *reinterpret_cast<Plain *>(arg);
  word badge = 0;
  Status st = recv(p.ep, &badge, forever);
  while (st == Status::ok) {
    p.served = p.served + 1;
    set_tag(0x41, 0);
    st = reply_wait(p.ep, &badge, forever);
  }
}
// The echo server (slow path: it receives with a timeout) and plain_server (the fast path), each
// on a new endpoint; false when either cannot start.
bool start_two_servers(CapSlot *e, CapSlot *p) {
  pecho = Echo{};
  plain = Plain{};
  pecho.ep = make(ObjType::endpoint);
  plain.ep = make(ObjType::endpoint);
  if (!pecho.ep || !plain.ep) return false;
  *e = spawn(echo_main, word(&pecho));
  *p = spawn(plain_server, word(&plain));
  return *e && *p;
}
} // namespace

ARC_TEST(PMU0009, "ipc_request counts requests taken from an endpoint, never replies") {
  // The slow path (the echo server receives with a timeout) and the fast path (plain_server).
  CapSlot e = 0, p = 0;
  REQUIRE(start_two_servers(&e, &p));
  const CapSlot watched[] = {e, p, CapSlot(cap_self)};
  for (CapSlot t : watched) {
    REQUIRE_OK(perfmon(t, PerfOp::config, 0, event::ipc_request).status);
    REQUIRE_OK(perfmon(t, PerfOp::config, 1, event::ipc_received).status);
  }
  for (int i = 0; i < 4; ++i) {
    set_tag(0x40, 0);
    REQUIRE_OK(call(pecho.ep, t_2s));
  }
  for (int i = 0; i < 6; ++i) {
    set_tag(0x40, 0);
    REQUIRE_OK(call(plain.ep));
  }
  REQUIRE_EQ(pecho.calls, 4ul);
  REQUIRE_EQ(plain.served, 6ul);
  REQUIRE_EQ(rd(e, 0), 4ull);          // requests
  REQUIRE_EQ(rd(e, 1), 4ull);
  REQUIRE_EQ(rd(p, 0), 6ull);
  REQUIRE_EQ(rd(p, 1), 6ull);
  REQUIRE_EQ(rd(cap_self, 0), 0ull);   // ten replies came back, none of them a request
  REQUIRE_EQ(rd(cap_self, 1), 10ull);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 0, event::none).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 1, event::none).status);
  set_tag(label_stop, 0);
  REQUIRE_OK(call(pecho.ep, t_2s));
}

ARC_TEST(PMU0010, "context switches counted exactly, on the slow and the fast IPC path") {
  // Each call blocks the caller until the answer (a switch away from it), and each answer with
  // reply_wait blocks the server until the next request (a switch away from it): 4 calls to a
  // server on the slow path, 6 on the fast path, and nothing else runs meanwhile.
  CapSlot e = 0, p = 0;
  REQUIRE(start_two_servers(&e, &p));
  REQUIRE(wait_state(e, ThreadState::recv_blocked));
  REQUIRE(wait_state(p, ThreadState::recv_blocked));
  const CapSlot watched[] = {e, p, CapSlot(cap_self)};
  for (CapSlot t : watched) REQUIRE_OK(perfmon(t, PerfOp::config, 2, event::context_switch).status);
  for (int i = 0; i < 4; ++i) {
    set_tag(0x40, 0);
    REQUIRE_OK(call(pecho.ep, t_2s));
  }
  for (int i = 0; i < 6; ++i) {
    set_tag(0x40, 0);
    REQUIRE_OK(call(plain.ep));
  }
  const unsigned long long self = rd(cap_self, 2);
  REQUIRE_EQ(rd(e, 2), 4ull);
  REQUIRE_EQ(rd(p, 2), 6ull);
  REQUIRE_EQ(self, 10ull);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 2, event::none).status);
  set_tag(label_stop, 0);
  REQUIRE_OK(call(pecho.ep, t_2s));
}

ARC_TEST(PMU0007, "another thread's counters need the perfmon right") {
  work = Work{};
  work.ep = make(ObjType::endpoint);
  REQUIRE(work.ep);
  CapSlot t = spawn(worker, word(&work));
  CapSlot weak = slot(), strong = slot();
  REQUIRE(t && weak && strong);
  REQUIRE_OK(cap_copy(t, boot_cap::space, weak, rights::all & ~rights::perfmon));
  REQUIRE_OK(cap_copy(t, boot_cap::space, strong, rights::perfmon));
  REQUIRE_EQ(perfmon(weak, PerfOp::read, 0).status, Status::no_rights);
  REQUIRE_EQ(perfmon(weak, PerfOp::config, 0, event::cycles).status, Status::no_rights);
  REQUIRE_OK(perfmon(strong, PerfOp::config, 0, event::cycles).status);
  REQUIRE_OK(perfmon(strong, PerfOp::read, 0).status);
  work.go = 1;
  REQUIRE(wait_for(work.phase));
}

ARC_TEST(PMU0008, "our own counters: cycles stop while we sleep") {
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 0, event::time_running).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 1, event::context_switch).status);
  sleep_ms(30);
  unsigned long long run = rd(cap_self, 0), sw = rd(cap_self, 1);
  REQUIRE_RANGE(run, 0ull, 5ull);
  REQUIRE(sw >= 1);
  word t0 = kd_ticks();
  while (kd_ticks() - t0 < 20) {}
  REQUIRE(rd(cap_self, 0) >= run + 15);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 0, event::none).status);
  REQUIRE_OK(perfmon(cap_self, PerfOp::config, 1, event::none).status);
}

// ---- `ktest insns`: the instruction counter against a loop of known length -----------------
// Run on the benchmark machine (-icount shift=0: one guest instruction per tick of QEMU's
// virtual clock, and QEMU's PMU counts instructions only then), where the HA library's loop
// worker reads the counter. The loop is two instructions an iteration (decrement, branch); the
// difference between 2N and N iterations must be exactly 2N: the reads, the system calls and
// the loop's entry cancel out. Each length is measured five times and the least count taken, so
// that a timer interrupt during one measurement (its kernel instructions count too) changes
// nothing.
namespace ktest {
namespace {
[[gnu::noinline]] void count_loop(word n) {
#if defined(__arm__)
  asm volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
#else
  asm volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
#endif
}
unsigned long long least_count(word n) {
  unsigned long long least = ~0ull;
  for (int i = 0; i < 5; ++i) {
    const unsigned long long a = perf_read(cap_self, 0);
    count_loop(n);
    const unsigned long long b = perf_read(cap_self, 0);
    if (b - a < least) least = b - a;
  }
  return least;
}
} // namespace

int insns_main() {
  const Status st = perfmon(cap_self, PerfOp::config, 0, event::instructions).status;
  if (st == Status::not_supported) {
    printf("INSNS: no instruction counter on this CPU (or QEMU without -icount): not_supported\n");
    return 2;
  }
  if (st != Status::ok) {
    printf("INSNS: FAIL config: %s\n", status_name(st));
    return 1;
  }
  constexpr word n = 100000;
  const unsigned long long one = least_count(n), two = least_count(2 * n);
  const unsigned long long diff = two - one;
  const bool ok = diff == 2 * n;
  printf("INSNS: %lu iterations %llu instructions, %lu iterations %llu; difference %llu, "
         "expected %lu: %s\n", n, one, 2 * n, two, diff, 2 * n, ok ? "ok" : "FAIL");
  (void)perfmon(cap_self, PerfOp::config, 0, event::none);
  return ok ? 0 : 1;
}
} // namespace ktest

namespace {
volatile word spin_stop;
// Spins with nothing changing: the same PC and registers at every tick (a panic's loop).
void spin_still(word) {
  while (!spin_stop) {
  }
}
// Spins computing: a register changes all the time (a long computation).
void spin_counting(word) {
  word x = 0;
  while (!spin_stop) {
    ++x;
    asm volatile("" : "+r"(x));
  }
}
} // namespace

ARC_TEST(PMU0011, "ustate_same: ticks with the user state unchanged, for a still loop, not a computation") {
  spin_stop = 0;
  CapSlot still = spawn(spin_still, 0), counting = spawn(spin_counting, 0);
  REQUIRE(still && counting);
  const CapSlot both[] = {still, counting};
  for (CapSlot t : both) {
    REQUIRE_OK(perfmon(t, PerfOp::config, 0, event::time_running).status);
    REQUIRE_OK(perfmon(t, PerfOp::config, 1, event::ustate_same).status);
  }
  sleep_ms(100);   // both spin, taking turns
  spin_stop = 1;
  REQUIRE(wait_done(still) && wait_done(counting));
  const unsigned long long ran_still = rd(still, 0), same_still = rd(still, 1);
  const unsigned long long ran_counting = rd(counting, 0), same_counting = rd(counting, 1);
  REQUIRE(ran_still >= 10 && ran_counting >= 10);
  // The still loop is at the same state at most of its ticks (on real hardware the PC moves
  // over the loop's few instructions; QEMU takes interrupts at the loop's head).
  REQUIRE(same_still >= ran_still / 4);
  REQUIRE(same_still <= ran_still);
  // A computation changes a register between any two ticks it runs through, but QEMU without
  // -icount delivers timer interrupts it fell behind on back to back when the host is loaded,
  // with no guest instruction in between: a few such ticks, never most of them.
  REQUIRE(same_counting <= ran_counting / 8);
  REQUIRE(same_still > same_counting);
}
