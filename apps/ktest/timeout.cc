// IPC timeouts: zero, bounded (checked against kd_ticks), infinite.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
struct Late { CapSlot ep; word delay; volatile Status st; volatile word done; };
Late late;
void late_sender(word) {
  sleep_ms(late.delay);
  set_tag(0x7e, 1);
  u()->mr[1] = 99;
  late.st = send(late.ep, t_2s);
  late.done = 1;
}
} // namespace

ARC_TEST(TMO0001, "receive with timeout 0 and no sender returns timeout at once") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  word t0 = kd_ticks();
  REQUIRE_EQ(recv(ep, nullptr, t_0), Status::timeout);
  REQUIRE_RANGE(kd_ticks() - t0, 0ul, 1ul);
}

ARC_TEST(TMO0002, "send with timeout 0 and no receiver returns timeout at once") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  set_tag(1, 0);
  word t0 = kd_ticks();
  REQUIRE_EQ(send(ep, t_0), Status::timeout);
  set_tag(1, 0);
  REQUIRE_EQ(call(ep, t_0), Status::timeout);
  REQUIRE_RANGE(kd_ticks() - t0, 0ul, 1ul);
}

ARC_TEST(TMO0003, "receive with 30 ms times out after 30 ticks, not much later") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  Result r = syscall(Sys::kdebug, word(KdOp::ticks));
  REQUIRE_OK(r.status);
  word ms_per_tick = r.r[1] ? r.r[1] : 1;
  word t0 = kd_ticks();
  REQUIRE_EQ(recv(ep, nullptr, ipc::timeouts(0, 30)), Status::timeout);
  word dt = (kd_ticks() - t0) * ms_per_tick;
  REQUIRE_RANGE(dt, 30ul, 60ul);
}

ARC_TEST(TMO0004, "send with 20 ms times out after 20 ticks") {
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  set_tag(1, 0);
  word t0 = kd_ticks();
  REQUIRE_EQ(send(ep, ipc::timeouts(20, 0)), Status::timeout);
  REQUIRE_RANGE(kd_ticks() - t0, 20ul, 50ul);
}

ARC_TEST(TMO0005, "infinite receive waits for a sender 25 ms later") {
  late = Late{};
  late.ep = make(ObjType::endpoint);
  late.delay = 25;
  REQUIRE(late.ep);
  word t0 = kd_ticks();
  REQUIRE(spawn(late_sender, 0));
  REQUIRE_OK(recv(late.ep, nullptr, forever));
  REQUIRE_RANGE(kd_ticks() - t0, 25ul, 200ul);
  REQUIRE_EQ(tag().label(), 0x7eul);
  REQUIRE_EQ(u()->mr[1], 99ul);
  REQUIRE(wait_for(late.done));
  REQUIRE_EQ(late.st, Status::ok);
}

ARC_TEST(TMO0006, "bounded receive succeeds when the sender comes in time") {
  late = Late{};
  late.ep = make(ObjType::endpoint);
  late.delay = 5;
  REQUIRE(late.ep);
  REQUIRE(spawn(late_sender, 0));
  REQUIRE_OK(recv(late.ep, nullptr, ipc::timeouts(0, 500)));
  REQUIRE_EQ(u()->mr[1], 99ul);
}

ARC_TEST(TMO0007, "sleep (receive from nil) lasts its time") {
  word t0 = kd_ticks();
  sleep_ms(15);
  REQUIRE_RANGE(kd_ticks() - t0, 15ul, 60ul);
  t0 = kd_ticks();
  REQUIRE_EQ(ipc_raw(ipc::recv, 0, 0, ipc::timeouts(0, 10), nullptr), Status::timeout);
  REQUIRE_RANGE(kd_ticks() - t0, 10ul, 50ul);
}
