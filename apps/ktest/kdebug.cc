// Kernel debug call, boot information, and unknown system calls.
#include "common.hh"
#include <arc/start.hh>

using namespace arc;
using namespace ktest;

ARC_TEST(KDB0001, "ticks advance at the documented rate") {
  Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[1], 1ul);
  word t0 = r.r[0];
  sleep_ms(20);
  REQUIRE_RANGE(kd_ticks() - t0, 20ul, 60ul);
}

ARC_TEST(KDB0002, "putc and puts print; bad lengths and ops are refused") {
  REQUIRE_OK(syscall(Sys::kdebug, word(KdOp::putc), ' ').status);
  char *m = reinterpret_cast<char *>(u()->mr);
  m[0] = '\n';
  REQUIRE_OK(syscall(Sys::kdebug, word(KdOp::puts), 1).status);
  REQUIRE_EQ(syscall(Sys::kdebug, word(KdOp::puts), 100000).status, Status::invalid_arg);
  REQUIRE_EQ(syscall(Sys::kdebug, 99).status, Status::invalid_arg);
}

ARC_TEST(KDB0003, "system call numbers 11 and up: bad_syscall") {
  const word nrs[] = {11, 12, 13, 0xff};
  for (word nr : nrs) REQUIRE_EQ(syscall(Sys(nr)).status, Status::bad_syscall);
}

ARC_TEST(KDB0004, "boot information of the root task") {
  const BootInfo *bi = boot_info();
  REQUIRE(bi != nullptr);
  REQUIRE_EQ(word(bi), boot_info_addr);
  REQUIRE_EQ(bi->magic, boot_info_magic);
  REQUIRE_EQ(bi->tick_ms, 1ul);
  REQUIRE(bi->n_modules >= 2);
  REQUIRE(bi->n_regions >= 1);
  unsigned i = 0;
  while (arch_name[i] && bi->arch[i] == arch_name[i]) ++i;
  REQUIRE(!arch_name[i] && !bi->arch[i]);
}

namespace {
struct Ex { volatile Status st; volatile word done; };
Ex ex;
void exit_main(word) {
  ex.st = syscall(Sys::kdebug, word(KdOp::exit), 3).status;
  ex.done = 1;
}
} // namespace

ARC_TEST(KDB0005, "kdebug exit from a task that is not an initial one: no_rights") {
  ex = Ex{};
  CapSlot pg;
  CapSlot sp = make_space(0xdb5, &pg);
  REQUIRE(sp);
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(exit_main, 0, o));
  REQUIRE(wait_for(ex.done));
  REQUIRE_EQ(ex.st, Status::no_rights);
}
