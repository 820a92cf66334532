// ia32: exceptions arrive at the thread's exception handler as IPC (label exception: vector, error
// code, IP, SP, flags); the reply resumes the thread, at the same IP (no words) or a new one.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
struct Exc { word (*site)(); volatile word result; };
Exc exc;
void exc_main(word) { exc.result = exc.site(); }

struct Msg { word badge, label, untyped, vector, error, ip, sp, flags; };

// Start exc.site in a thread whose handler is `ep` minted with `badge`.
CapSlot start_victim(word (*site)(), CapSlot ep, word badge) {
  exc = Exc{site, 0};
  CapSlot h = slot();
  if (!h || cap_mint(ep, boot_cap::space, h, rights::send, badge) != Status::ok) return 0;
  ThreadOpts o;
  o.handler = h;
  return spawn(exc_main, 0, o);
}

Status get(CapSlot ep, Msg *m) {
  word badge = 0;
  Status st = recv(ep, &badge, t_2s);
  Utcb *ut = u();
  *m = Msg{badge, Tag(ut->mr[0]).label(), Tag(ut->mr[0]).untyped(), ut->mr[1], ut->mr[2],
           ut->mr[3], ut->mr[4], ut->mr[5]};
  return st;
}

Status resume_at(word ip, word sp) {
  set_tag(0, 2);
  u()->mr[1] = ip;
  u()->mr[2] = sp;
  return reply();
}
} // namespace

ARC_TEST(EXC0001, "ud2: vector 6 at the handler, a reply with a new IP continues the thread") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_ud2, ep, 0xe1);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  REQUIRE_EQ(m.label, label::exception);
  REQUIRE_EQ(m.untyped, 5ul);
  REQUIRE_EQ(m.badge, 0xe1ul);
  REQUIRE_EQ(m.vector, 6ul);
  REQUIRE_EQ(m.ip, word(ktest_ud2_insn));
  REQUIRE(m.sp > 0x08048000 && m.sp < user_top);
  REQUIRE(m.flags & 0x2);   // the always-one bit of EFLAGS
  REQUIRE_EQ(state_of(t), ThreadState::wait_reply);
  REQUIRE_OK(resume_at(word(ktest_ud2_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}

ARC_TEST(EXC0002, "a reply without words resumes at the same IP (ud2 again)") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_ud2, ep, 0xe2);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  REQUIRE_EQ(m.vector, 6ul);
  set_tag(0, 0);
  REQUIRE_OK(reply());
  Msg m2;
  REQUIRE_OK(get(ep, &m2));
  REQUIRE_EQ(m2.vector, 6ul);
  REQUIRE_EQ(m2.ip, m.ip);
  REQUIRE_EQ(m2.sp, m.sp);
  REQUIRE_OK(resume_at(word(ktest_ud2_after), m2.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}

ARC_TEST(EXC0003, "int3: vector 3, resuming continues after the breakpoint") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_int3, ep, 0xe3);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  REQUIRE_EQ(m.label, label::exception);
  REQUIRE_EQ(m.vector, 3ul);
  REQUIRE_EQ(m.ip, word(ktest_int3_after));   // a trap: the IP after int3
  set_tag(0, 0);
  REQUIRE_OK(reply());
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 3ul);
}

ARC_TEST(EXC0004, "divide by zero: vector 0 at the div instruction") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_div0, ep, 0xe4);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  REQUIRE_EQ(m.vector, 0ul);
  REQUIRE_EQ(m.ip, word(ktest_div0_insn));
  REQUIRE_OK(resume_at(word(ktest_div0_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 2ul);
}

ARC_TEST(EXC0005, "hlt at user level: general protection, vector 13, error code 0") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_hlt, ep, 0xe5);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  REQUIRE_EQ(m.vector, 13ul);
  REQUIRE_EQ(m.error, 0ul);
  REQUIRE_EQ(m.ip, word(ktest_hlt_insn));
  REQUIRE_OK(resume_at(word(ktest_hlt_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 4ul);
}

ARC_TEST(EXC0006, "a thread without an exception handler is halted (dead)") {
  exc = Exc{ktest_ud2, 0};
  CapSlot t = spawn(exc_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::dead, 1000));
  REQUIRE_EQ(thread_done(t), false);
}

ARC_TEST(EXC0007, "the handler can move the stack: reply sets SP too") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_ud2, ep, 0xe7);
  REQUIRE(t);
  Msg m;
  REQUIRE_OK(get(ep, &m));
  // Copy the top of the victim's stack (return address into exc_main...) 256 bytes lower and
  // resume there: the thread must still return correctly, now on the moved stack.
  word *from = reinterpret_cast<word *>(m.sp);
  word *to = reinterpret_cast<word *>(m.sp - 256);
  for (int i = 0; i < 64; ++i) to[i] = from[i];
  REQUIRE_OK(resume_at(word(ktest_ud2_after), m.sp - 256));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}
