// ktest exceptions, the same on every architecture: an undefined instruction and a breakpoint
// reach the handler and are resumed, a thread without a handler dies, the handler can move the
// stack. What differs per architecture (vectors, error codes, flags, the fault sites) comes from
// exc_arch and sites.S; the cases only one architecture has are in arch/<arch>/test_exception.cc
// with ids of their own (EXCX86_*, EXCARM_*).
#include "exception.hh"

using namespace arc;
using namespace ktest;

ARC_TEST(EXC0001, "undefined instruction: its vector at the handler, a reply with a new IP continues") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_undef, ep, 0xe1);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.label, label::exception);
  REQUIRE_EQ(m.untyped, 6ul);   // MR6: the data address, 0 here
  REQUIRE_EQ(m.badge, 0xe1ul);
  REQUIRE_EQ(m.vector, exc_arch.undefined_vector);
  REQUIRE_EQ(m.ip, word(ktest_undef_insn));
  REQUIRE(m.sp > 0x08048000 && m.sp < user_top);
  REQUIRE(exc_arch.flags_ok(m.flags));
  REQUIRE_EQ(state_of(t), ThreadState::wait_reply);
  REQUIRE_OK(resume_at(word(ktest_undef_after), m.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}

ARC_TEST(EXC0002, "a reply without words resumes at the same IP (the undefined instruction again)") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_undef, ep, 0xe2);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.vector, exc_arch.undefined_vector);
  set_tag(0, 0);
  REQUIRE_OK(reply());
  ExcMsg m2;
  REQUIRE_OK(get_exception(ep, &m2));
  REQUIRE_EQ(m2.vector, exc_arch.undefined_vector);
  REQUIRE_EQ(m2.ip, m.ip);
  REQUIRE_EQ(m2.sp, m.sp);
  REQUIRE_OK(resume_at(word(ktest_undef_after), m2.sp));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}

ARC_TEST(EXC0003, "breakpoint: its vector, the IP after it, resuming continues") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_break, ep, 0xe3);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  REQUIRE_EQ(m.label, label::exception);
  REQUIRE_EQ(m.vector, exc_arch.breakpoint_vector);
  REQUIRE(exc_arch.breakpoint_error_ok(m.error));
  REQUIRE_EQ(m.ip, word(ktest_break_after));   // a trap: the IP after the breakpoint
  set_tag(0, 0);
  REQUIRE_OK(reply());
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 3ul);
}

ARC_TEST(EXC0004, "a thread without an exception handler is halted (dead)") {
  exc = Exc{ktest_undef, 0};
  CapSlot t = spawn(exc_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::dead, 1000));
  REQUIRE_EQ(thread_done(t), false);
}

ARC_TEST(EXC0005, "the handler can move the stack: reply sets SP too") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot t = start_victim(ktest_undef, ep, 0xe5);
  REQUIRE(t);
  ExcMsg m;
  REQUIRE_OK(get_exception(ep, &m));
  // Copy the top of the victim's stack (exc_main's return address or saved registers ...) 256
  // bytes lower and resume there: the thread must still return correctly, on the moved stack.
  word *from = reinterpret_cast<word *>(m.sp);
  word *to = reinterpret_cast<word *>(m.sp - 256);
  for (int i = 0; i < 64; ++i) to[i] = from[i];
  REQUIRE_OK(resume_at(word(ktest_undef_after), m.sp - 256));
  REQUIRE(wait_done(t));
  REQUIRE_EQ(exc.result, 1ul);
}
