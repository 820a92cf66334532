// Threads: create, bind, start, info, exchange registers (read, set IP/SP, halt, resume),
// deletion, the reply right, and the checks on every thread_ctl argument.
#include "common.hh"

extern "C" char __executable_start[], etext[];

using namespace arc;
using namespace ktest;

namespace {
struct Spin { volatile word stop, count, other; };
Spin spin;
void spin_main(word) { while (!spin.stop) spin.count = spin.count + 1; }
[[noreturn]] void redirected() {
  spin.other = 1;
  for (;;) sleep_ms(1000);
}
void nop_main(word) {}
} // namespace

ARC_TEST(THR0001, "create, bind, start: the thread runs and its state is reported") {
  spin = Spin{};
  ThreadOpts o;
  o.start = false;
  CapSlot t = spawn(spin_main, 0, o);
  REQUIRE(t);
  REQUIRE_EQ(state_of(t), ThreadState::inactive);
  word ip, sp;
  int idx;
  REQUIRE(prepare(spin_main, 0, &ip, &sp, &idx));
  REQUIRE_OK(thread_ctl(t, ThreadOp::start, ip, sp));
  sleep_ms(5);
  REQUIRE(spin.count > 0);
  REQUIRE_EQ(state_of(t), ThreadState::ready);
  spin.stop = 1;
}

ARC_TEST(THR0002, "thread_ctl argument checks") {
  CapSlot t = make(ObjType::thread), ep = make(ObjType::endpoint), weak = slot();
  REQUIRE(t && ep && weak);
  word ip, sp;
  int idx;
  REQUIRE(prepare(nop_main, 0, &ip, &sp, &idx));
  REQUIRE_EQ(thread_ctl(t, ThreadOp::start, ip, sp), Status::busy);   // not bound to a space
  REQUIRE_EQ(thread_ctl(t, ThreadOp::bind_space, ep), Status::invalid_cap);
  REQUIRE_EQ(thread_ctl(t, ThreadOp::set_pager, boot_cap::thread), Status::invalid_cap);
  REQUIRE_EQ(thread_ctl(t, ThreadOp::set_handler, boot_cap::factory), Status::invalid_cap);
  REQUIRE_EQ(thread_ctl(ep, ThreadOp::info), Status::invalid_cap);
  REQUIRE_EQ(thread_ctl(t, ThreadOp(99)), Status::invalid_arg);
  REQUIRE_OK(thread_ctl(t, ThreadOp::bind_space, boot_cap::space));
  REQUIRE_OK(thread_ctl(t, ThreadOp::set_priority, 100, 10));
  REQUIRE_OK(thread_ctl(t, ThreadOp::start, ip, sp));
  REQUIRE_EQ(thread_ctl(t, ThreadOp::start, ip, sp), Status::busy);
  REQUIRE_EQ(thread_ctl(t, ThreadOp::bind_space, boot_cap::space), Status::busy);
  // A copy without the control right cannot change the thread.
  REQUIRE_OK(cap_copy(t, boot_cap::space, weak, rights::all & ~rights::control));
  REQUIRE_EQ(thread_ctl(weak, ThreadOp::set_priority, 10, 10), Status::no_rights);
  REQUIRE_EQ(xregs(weak, xr::halt).status, Status::no_rights);
}

ARC_TEST(THR0003, "exregs halt and resume: a halted thread makes no progress") {
  spin = Spin{};
  CapSlot t = spawn(spin_main, 0);
  REQUIRE(t);
  sleep_ms(3);
  Result r = xregs(t, xr::halt);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(state_of(t), ThreadState::suspended);
  word c1 = spin.count;
  sleep_ms(10);
  REQUIRE_EQ(spin.count, c1);
  REQUIRE_OK(xregs(t, xr::resume).status);
  sleep_ms(10);
  REQUIRE(spin.count > c1);
  spin.stop = 1;
}

ARC_TEST(THR0004, "exregs reads IP/SP and redirects a halted thread") {
  spin = Spin{};
  CapSlot t = spawn(spin_main, 0);
  REQUIRE(t);
  sleep_ms(3);
  REQUIRE_OK(xregs(t, xr::halt).status);
  Result r = xregs(t, 0);
  REQUIRE_OK(r.status);
  REQUIRE(r.r[0] >= word(__executable_start) && r.r[0] < word(etext));   // in our text
  REQUIRE(r.r[1] > 0x08048000 && r.r[1] < user_top);
  REQUIRE(user_flags_ok(r.r[2]));   // user mode, interrupts on
  REQUIRE_EQ(r.r[3], word(ThreadState::suspended));
  Result r2 = xregs(t, xr::set_ip | xr::set_sp | xr::resume, word(&redirected), r.r[1] - 64);
  REQUIRE_OK(r2.status);
  REQUIRE_EQ(r2.r[0], r.r[0]);
  REQUIRE(wait_for(spin.other, 1000));
  spin.stop = 1;
}

ARC_TEST(THR0005, "exregs on ourselves reads our registers") {
  Result r = xregs(cap_self, 0);
  REQUIRE_OK(r.status);
  REQUIRE(r.r[1] > 0x08048000 && r.r[1] < user_top);
  REQUIRE_EQ(r.r[3], word(ThreadState::ready));
  REQUIRE_EQ(xregs(boot_cap::factory, 0).status, Status::invalid_cap);
}

ARC_TEST(THR0006, "deleting a running thread stops it") {
  spin = Spin{};
  CapSlot t = spawn(spin_main, 0);
  REQUIRE(t);
  sleep_ms(3);
  REQUIRE_OK(cap_delete(t));
  word c1 = spin.count;
  sleep_ms(10);
  REQUIRE_EQ(spin.count, c1);
  REQUIRE_EQ(thread_info(t).status, Status::invalid_cap);
}

namespace {
struct Rep { CapSlot ep; volatile word calls; volatile Status st; volatile word done; };
Rep rep;
void rep_client(word) {
  set_tag(0x91, 1);
  u()->mr[1] = 1;
  rep.st = call(rep.ep, t_2s);
  rep.done = tag().label();
}
} // namespace

ARC_TEST(THR0007, "save_reply moves the pending reply right into a slot, used later") {
  rep = Rep{};
  rep.ep = make(ObjType::endpoint);
  CapSlot r = slot();
  REQUIRE(rep.ep && r);
  REQUIRE(spawn(rep_client, 0));
  REQUIRE_OK(recv(rep.ep, nullptr, t_2s));
  REQUIRE_OK(thread_ctl(boot_cap::thread, ThreadOp::save_reply, r));
  REQUIRE_EQ(cap_identify(r).r[0], word(ObjType::reply));
  set_tag(1, 0);
  REQUIRE_EQ(reply(), Status::no_partner);   // we no longer hold it
  set_tag(0x92, 0);
  REQUIRE_OK(send(r, t_0));
  REQUIRE(wait_for(rep.done));
  REQUIRE_OK(rep.st);
  REQUIRE_EQ(rep.done, 0x92ul);
}

// The watchdog's request deadlines rest on this: a caller's info names the space that owes it
// a reply, also after the server parked the reply right in a slot to answer later.
ARC_TEST(THR0008, "info names the space a caller waits for, called or parked, and none once answered") {
  rep = Rep{};
  rep.ep = make(ObjType::endpoint);
  CapSlot r = slot();
  REQUIRE(rep.ep && r);
  const word self_space = thread_info(cap_self).r[2];
  REQUIRE(self_space != 0);
  CapSlot t = spawn(rep_client, 0);
  REQUIRE(t);
  REQUIRE_OK(recv(rep.ep, nullptr, t_2s));
  Result i = thread_info(t);
  REQUIRE_EQ(i.r[0], word(ThreadState::wait_reply));
  REQUIRE_EQ(i.r[3], self_space);                   // waiting for us, the server it called
  REQUIRE_OK(thread_ctl(boot_cap::thread, ThreadOp::save_reply, r));
  REQUIRE_EQ(thread_info(t).r[3], self_space);      // parked: still owed by our space
  REQUIRE_EQ(thread_info(boot_cap::thread).r[3], 0ul);   // we wait for nobody
  set_tag(0x92, 0);
  REQUIRE_OK(send(r, t_0));
  REQUIRE(wait_for(rep.done));
  REQUIRE_EQ(thread_info(t).r[3], 0ul);             // answered
}

ARC_TEST(THR0009, "identify on a parked reply right: 1 while the caller waits, 0 once its call gave up") {
  rep = Rep{};
  rep.ep = make(ObjType::endpoint);
  CapSlot r = slot();
  REQUIRE(rep.ep && r);
  REQUIRE(spawn(rep_client, 0));   // calls with a 2 s timeout
  REQUIRE_OK(recv(rep.ep, nullptr, t_2s));
  REQUIRE_OK(thread_ctl(boot_cap::thread, ThreadOp::save_reply, r));
  Result i = cap_identify(r);
  REQUIRE_EQ(i.r[0], word(ObjType::reply));
  REQUIRE_EQ(i.r[3], 1ul);
  REQUIRE(wait_for(rep.done, 3000));   // its receive timed out: the caller gave up
  REQUIRE_EQ(rep.st, Status::timeout);
  REQUIRE_EQ(cap_identify(r).r[3], 0ul);
  set_tag(0x92, 0);
  REQUIRE_EQ(send(r, t_0), Status::no_partner);
}
