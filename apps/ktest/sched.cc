// Scheduling: fixed priorities with preemption, round robin within a priority, yield, priority
// limits.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
struct Pre {
  volatile word stop, low_count, high_woke, low_saw_high;
  volatile word order[4];
  volatile word n;
  volatile word c_before, c_after;   // low's counter around high's busy loop
  volatile word slept;               // ticks high slept
  volatile word done_high;
};
Pre pre;

void note(word who) {
  word i = pre.n;
  if (i < 4) pre.order[i] = who;
  pre.n = i + 1;
}

void low_main(word) {
  note('L');
  while (!pre.stop) {
    pre.low_count = pre.low_count + 1;
    if (pre.high_woke && !pre.low_saw_high) {
      note('l');              // before the flag: the test reads the order once it sees the flag
      pre.low_saw_high = 1;
    }
  }
}

void high_main(word) {
  while (!pre.low_count) sleep_ms(1);   // let low start spinning
  word t0 = kd_ticks();
  sleep_ms(10);
  pre.slept = kd_ticks() - t0;
  note('H');
  pre.high_woke = 1;
  pre.c_before = pre.low_count;
  for (int i = 0; i < 200000; ++i) asm volatile("");
  pre.c_after = pre.low_count;
  pre.done_high = 1;
}

// A call's hand-off (sched::handoff): the called server runs at once only when it outranks
// every ready thread; else the thread the ready queue would pick runs first.
struct Hand {
  CapSlot ep;
  volatile word ready_ran;   // the ready thread has run
  volatile word seen;        // ready_ran as the server found it when the call reached it
  volatile word served;
};
Hand hand;
void hand_server(word) {
  word badge;
  if (recv(hand.ep, &badge, t_2s) != Status::ok) return;
  hand.seen = hand.ready_ran;
  hand.served = 1;
  set_tag(0x1, 0);
  reply();
}
void hand_ready(word) { hand.ready_ran = 1; }

// The server at server_prio waits; a thread at 90 is made ready (we, at 100, keep running);
// then we call the server. Returns whether the ready thread ran before the server took the call.
word hand_case(word server_prio) {
  hand = Hand{};
  hand.ep = make(ObjType::endpoint);
  if (!hand.ep) return 2;
  ThreadOpts o;
  o.prio = server_prio;
  if (!spawn(hand_server, 0, o)) return 2;
  sleep_ms(2);                        // it runs and waits in its receive
  o.prio = 90;
  if (!spawn(hand_ready, 0, o)) return 2;
  if (hand.ready_ran) return 2;       // it must not have run yet: we outrank it
  if (call(hand.ep, t_2s) != Status::ok || !hand.served) return 2;
  sleep_ms(2);                        // let the ready thread finish
  return hand.seen;
}

struct Rr { volatile word stop, a, b; };
Rr rr;
void spin_a(word) { while (!rr.stop) rr.a = rr.a + 1; }
void spin_b(word) { while (!rr.stop) rr.b = rr.b + 1; }
} // namespace

ARC_TEST(SCH0001, "a high-priority thread waking from a 10 ms sleep preempts a spinning one") {
  pre = Pre{};
  ThreadOpts lo;
  lo.prio = 50;
  ThreadOpts hi;
  hi.prio = 90;
  REQUIRE(spawn(low_main, 0, lo));
  REQUIRE(spawn(high_main, 0, hi));
  REQUIRE(wait_for(pre.done_high, 2000));
  REQUIRE(wait_for(pre.low_saw_high, 2000));
  pre.stop = 1;
  REQUIRE_EQ(pre.order[0], word('L'));
  REQUIRE_EQ(pre.order[1], word('H'));
  REQUIRE_EQ(pre.order[2], word('l'));
  REQUIRE(pre.c_before > 0);
  REQUIRE_EQ(pre.c_after, pre.c_before);   // low did not run while high was runnable
  REQUIRE_RANGE(pre.slept, 10ul, 40ul);
}

ARC_TEST(SCH0002, "round robin: two spinning threads of one priority both progress") {
  rr = Rr{};
  ThreadOpts o;
  o.prio = 60;
  o.slice = 2;
  REQUIRE(spawn(spin_a, 0, o));
  REQUIRE(spawn(spin_b, 0, o));
  sleep_ms(50);
  word a = rr.a, b = rr.b;
  rr.stop = 1;
  REQUIRE(a > 0);
  REQUIRE(b > 0);
}

ARC_TEST(SCH0003, "a lower-priority thread does not run while we spin") {
  rr = Rr{};
  ThreadOpts o;
  o.prio = 10;
  REQUIRE(spawn(spin_a, 0, o));
  word t0 = kd_ticks();
  while (kd_ticks() - t0 < 20) {}
  word a = rr.a;
  sleep_ms(5);
  word a2 = rr.a;
  rr.stop = 1;
  REQUIRE_EQ(a, 0ul);
  REQUIRE(a2 > 0);
}

ARC_TEST(SCH0004, "priorities: not above our own, at most 255") {
  ThreadOpts o;
  o.start = false;
  CapSlot t = spawn(spin_a, 0, o);
  REQUIRE(t);
  REQUIRE_EQ(thread_ctl(t, ThreadOp::set_priority, 101, 10), Status::no_rights);
  REQUIRE_EQ(thread_ctl(t, ThreadOp::set_priority, 256, 10), Status::invalid_arg);
  REQUIRE_OK(thread_ctl(t, ThreadOp::set_priority, 100, 10));
  REQUIRE_OK(thread_ctl(t, ThreadOp::set_priority, 0, 1));
  Result r = thread_info(t);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[1], 0ul);
  REQUIRE_EQ(thread_info(cap_self).r[1], 100ul);
  REQUIRE_EQ(thread_ctl(boot_cap::thread, ThreadOp::set_priority, 101, 10), Status::no_rights);
  // Only info may name the caller as cap_self.
  REQUIRE_EQ(thread_ctl(cap_self, ThreadOp::set_priority, 100, 10), Status::invalid_cap);
}

ARC_TEST(SCH0005, "yield lets an equal-priority thread run") {
  rr = Rr{};
  ThreadOpts o;
  o.slice = 20;
  REQUIRE(spawn(spin_a, 0, o));
  for (int i = 0; i < 100 && !rr.a; ++i) yield();
  word a = rr.a;
  rr.stop = 1;
  REQUIRE(a > 0);
  REQUIRE_EQ(syscall(Sys::yield).status, Status::ok);
}

ARC_TEST(SCH0006, "a call runs the server at once only when it outranks every ready thread") {
  REQUIRE_EQ(hand_case(95), 0ul);   // above the ready thread: handed the CPU
  REQUIRE_EQ(hand_case(80), 1ul);   // below it: the ready thread first
  REQUIRE_EQ(hand_case(90), 1ul);   // equal: the one queued first, as the ready queue orders them
}
