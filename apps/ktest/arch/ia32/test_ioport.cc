// I/O-port capabilities: derive sub-ranges, enable them for the caller's space; a port outside
// the enabled ranges raises a general protection exception IPC.
#include "common.hh"

using namespace arc;
using namespace ktest;

ARC_TEST(IO0001, "derive: sub-ranges only, checked arguments") {
  CapSlot a = slot(), b = slot(), c = slot();
  REQUIRE(a && b && c);
  REQUIRE_OK(ioport(IoOp::derive, boot_cap::ioports, 0x300, 16, a));
  REQUIRE_EQ(cap_identify(a).r[0], word(ObjType::ioports));
  REQUIRE_OK(ioport(IoOp::derive, a, 0x304, 4, b));
  REQUIRE_EQ(ioport(IoOp::derive, a, 0x30c, 8, c), Status::invalid_arg);
  REQUIRE_EQ(ioport(IoOp::derive, a, 0x200, 1, c), Status::invalid_arg);
  REQUIRE_EQ(ioport(IoOp::derive, boot_cap::ioports, 0x300, 0, c), Status::invalid_arg);
  REQUIRE_EQ(ioport(IoOp::derive, boot_cap::ioports, 0xfff0, 0x20, c), Status::invalid_arg);
  REQUIRE_EQ(ioport(IoOp::derive, boot_cap::factory, 0x300, 1, c), Status::invalid_cap);
  REQUIRE_EQ(ioport(IoOp::enable, boot_cap::thread), Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::ioport, 99, a).status, Status::invalid_arg);
  // Without the control right the range cannot be enabled.
  REQUIRE_OK(cap_copy(a, boot_cap::space, c, rights::all & ~rights::control));
  REQUIRE_EQ(ioport(IoOp::enable, c), Status::no_rights);
}

namespace {
struct Io { volatile word r[4]; volatile Status en, dis; };
Io io;
void io_main(word) {
  io.r[0] = ktest_inb(0x300);   // not enabled: #GP
  io.en = ioport(IoOp::enable, 5);
  io.r[1] = ktest_inb(0x300);   // enabled
  io.r[2] = ktest_inb(0x310);   // outside the range: #GP
  io.dis = ioport(IoOp::disable, 5);
  io.r[3] = ktest_inb(0x30f);   // disabled again: #GP
}
} // namespace

ARC_TEST(IO0002, "inb without enable raises #GP (vector 13); after enable it works") {
  CapSlot ports = slot(), ep = make(ObjType::endpoint), h = slot(), pg;
  REQUIRE(ports && ep && h);
  REQUIRE_OK(ioport(IoOp::derive, boot_cap::ioports, 0x300, 16, ports));
  CapSlot sp = make_space(0x10a, &pg);
  REQUIRE(sp);
  REQUIRE_OK(cap_copy(ports, sp, 5, rights::all));
  REQUIRE_OK(cap_mint(ep, boot_cap::space, h, rights::send, 0x10e));
  io = Io{};
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  o.handler = h;
  CapSlot t = spawn(io_main, 0, o);
  REQUIRE(t);
  // Answer #GP exceptions (skip the inb) until the thread is done; three are expected.
  word vectors[4] = {}, ips[4] = {};
  unsigned n = 0;
  while (!thread_done(t)) {
    word badge = 0;
    if (recv(ep, &badge, ipc::timeouts(0, 200)) != Status::ok) break;
    REQUIRE_EQ(tag().label(), label::exception);
    REQUIRE_EQ(badge, 0x10eul);
    if (n < 4) {
      vectors[n] = u()->mr[1];
      ips[n] = u()->mr[3];
    }
    ++n;
    word sp_ = u()->mr[4];
    set_tag(0, 2);
    u()->mr[1] = word(ktest_inb_after);
    u()->mr[2] = sp_;
    REQUIRE_OK(reply());
  }
  REQUIRE(wait_done(t));
  for (unsigned i = 0; i < n && i < 4; ++i) {
    REQUIRE_EQ(vectors[i], 13ul);
    REQUIRE_EQ(ips[i], word(ktest_inb_insn));
  }
  REQUIRE_OK(io.en);
  REQUIRE_OK(io.dis);
  REQUIRE_EQ(io.r[0], 0x100ul);   // skipped by the handler: al untouched
  REQUIRE_EQ(io.r[2], 0x100ul);
  REQUIRE_EQ(io.r[3], 0x100ul);   // after disable
  REQUIRE_EQ(n, 3u);
  // An unclaimed ISA port reads 0xff under QEMU.
  REQUIRE_EQ(io.r[1], 0x1fful);
}
