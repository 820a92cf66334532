// IPC: send, receive, call, reply, reply-and-wait; same space and across spaces; message
// registers; badges; capability items; every error an IPC can return.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
Echo echo;

// A one-shot sender/receiver for the tests below.
struct Peer {
  CapSlot ep;
  word timeouts;
  volatile Status st;
  volatile word label, mr1, mr2, badge;
  volatile word done;
};
Peer peer;

void sender_main(word) {
  set_tag(0x200, 2);
  u()->mr[1] = 0x11111111;
  u()->mr[2] = 0x22222222;
  peer.st = send(peer.ep, peer.timeouts);
  peer.done = 1;
}

void receiver_main(word) {
  word badge = 0;
  peer.st = recv(peer.ep, &badge, peer.timeouts);
  peer.label = tag().label();
  peer.mr1 = u()->mr[1];
  peer.mr2 = u()->mr[2];
  peer.badge = badge;
  peer.done = 1;
}

void caller_main(word) {
  set_tag(0x300, 1);
  u()->mr[1] = 5;
  peer.st = call(peer.ep, peer.timeouts);
  peer.done = 1;
}

// Sleeps in a receive nobody answers (on an endpoint of its own).
struct Stuck { CapSlot ep_call, ep_block; };
Stuck stuck;
void take_call_then_block(word) {
  word badge;
  if (recv(stuck.ep_call, &badge, t_2s) != Status::ok) return;
  recv(stuck.ep_block, &badge, forever);
}
} // namespace

ARC_TEST(IPC0001, "call and reply, same space") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  REQUIRE(echo.ep);
  REQUIRE(spawn(echo_main, word(&echo)));
  set_tag(0x100, 1);
  u()->mr[1] = 41;
  REQUIRE_OK(call(echo.ep, t_2s));
  REQUIRE_EQ(tag().label(), 0x101ul);
  REQUIRE_EQ(tag().untyped(), 1u);
  REQUIRE_EQ(u()->mr[1], 42ul);
  REQUIRE_EQ(echo.badge, 0ul);
}

ARC_TEST(IPC0002, "reply_wait serves 100 calls in a row") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  REQUIRE(echo.ep);
  REQUIRE(spawn(echo_main, word(&echo)));
  for (word i = 0; i < 100; ++i) {
    set_tag(0x10, 2);
    u()->mr[1] = i;
    u()->mr[2] = ~i;
    REQUIRE_OK(call(echo.ep, t_2s));
    REQUIRE_EQ(u()->mr[1], i + 1);
    REQUIRE_EQ(u()->mr[2], ~i + 1);
  }
  REQUIRE_EQ(echo.calls, 100ul);
}

ARC_TEST(IPC0003, "untyped words MR1..MR60 arrive intact, same space") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  REQUIRE(echo.ep);
  REQUIRE(spawn(echo_main, word(&echo)));
  for (word i = 1; i <= 60; ++i) u()->mr[i] = 0x5a000000 + i * 0x10101;
  set_tag(0x40, 60);
  REQUIRE_OK(call(echo.ep, t_2s));
  REQUIRE_EQ(echo.untyped, 60ul);
  REQUIRE_EQ(tag().untyped(), 60u);
  for (word i = 1; i <= 60; ++i) REQUIRE_EQ(u()->mr[i], 0x5a000000 + i * 0x10101 + 1);
}

ARC_TEST(IPC0004, "send blocks until a receive (rendezvous), same space") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = t_2s;
  REQUIRE(peer.ep);
  CapSlot t = spawn(sender_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::send_blocked, 500));
  REQUIRE_EQ(peer.done, 0ul);
  word badge = 1;
  REQUIRE_OK(recv(peer.ep, &badge, t_2s));
  REQUIRE_EQ(tag().label(), 0x200ul);
  REQUIRE_EQ(tag().untyped(), 2u);
  REQUIRE_EQ(u()->mr[1], 0x11111111ul);
  REQUIRE_EQ(u()->mr[2], 0x22222222ul);
  REQUIRE_EQ(badge, 0ul);
  REQUIRE(wait_for(peer.done));
  REQUIRE_EQ(peer.st, Status::ok);
}

ARC_TEST(IPC0005, "send to a waiting receiver with timeout 0, same space") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = t_2s;
  REQUIRE(peer.ep);
  CapSlot t = spawn(receiver_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 500));
  set_tag(0x201, 2);
  u()->mr[1] = 7;
  u()->mr[2] = 8;
  REQUIRE_OK(send(peer.ep, t_0));
  REQUIRE(wait_for(peer.done));
  REQUIRE_EQ(peer.st, Status::ok);
  REQUIRE_EQ(peer.label, 0x201ul);
  REQUIRE_EQ(peer.mr1, 7ul);
  REQUIRE_EQ(peer.mr2, 8ul);
}

ARC_TEST(IPC0006, "call and reply_wait across spaces, 60 words") {
  echo = Echo{};
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot pg;
  CapSlot sp = make_space(0x601, &pg);
  REQUIRE(sp);
  REQUIRE_OK(cap_copy(ep, sp, 5, rights::recv));
  echo.ep = 5;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(echo_main, word(&echo), o));
  for (word round = 0; round < 3; ++round) {
    for (word i = 1; i <= 60; ++i) u()->mr[i] = i * 0x01010101 + round;
    set_tag(0x500 + round, 60);
    REQUIRE_OK(call(ep, t_2s));
    REQUIRE_EQ(tag().label(), 0x501ul + round);
    REQUIRE_EQ(tag().untyped(), 60u);
    for (word i = 1; i <= 60; ++i) REQUIRE_EQ(u()->mr[i], i * 0x01010101 + round + 1);
  }
  REQUIRE_EQ(echo.calls, 3ul);
}

ARC_TEST(IPC0007, "a minted capability's badge is seen by the receiver") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  CapSlot m = slot();
  REQUIRE(echo.ep);
  REQUIRE_OK(cap_mint(echo.ep, boot_cap::space, m, rights::send, 0x1234));
  REQUIRE(spawn(echo_main, word(&echo)));
  set_tag(1, 0);
  REQUIRE_OK(call(m, t_2s));
  REQUIRE_EQ(echo.badge, 0x1234ul);
  set_tag(1, 0);
  REQUIRE_OK(call(echo.ep, t_2s));
  REQUIRE_EQ(echo.badge, 0ul);
  Result id = cap_identify(m);
  REQUIRE_OK(id.status);
  REQUIRE_EQ(id.r[2], 0x1234ul);
}

namespace {
struct Refused { CapSlot ep_recv_only; volatile Status empty, recv_only, ok_st; volatile word done; };
Refused refused;
void refused_main(word) {
  set_tag(1, 0);
  refused.empty = call(9, t_0);            // nothing in slot 9 of this space
  set_tag(1, 0);
  refused.recv_only = call(refused.ep_recv_only, t_0);
  set_tag(1, 0);
  refused.ok_st = call(6, t_2s);           // a real send capability
  refused.done = 1;
}
} // namespace

ARC_TEST(IPC0008, "IPC without a capability is refused, cross space") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  REQUIRE(echo.ep);
  REQUIRE(spawn(echo_main, word(&echo)));
  CapSlot pg;
  CapSlot sp = make_space(0x801, &pg);
  REQUIRE(sp);
  REQUIRE_OK(cap_copy(echo.ep, sp, 5, rights::recv));
  REQUIRE_OK(cap_mint(echo.ep, sp, 6, rights::send, 0x808));
  refused = Refused{};
  refused.ep_recv_only = 5;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(refused_main, 0, o));
  REQUIRE(wait_for(refused.done));
  REQUIRE_EQ(refused.empty, Status::invalid_cap);
  REQUIRE_EQ(refused.recv_only, Status::no_rights);
  REQUIRE_EQ(refused.ok_st, Status::ok);
  REQUIRE_EQ(echo.badge, 0x808ul);
}

ARC_TEST(IPC0009, "reply with no pending caller: no_partner") {
  set_tag(1, 0);
  REQUIRE_EQ(reply(), Status::no_partner);
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  set_tag(1, 0);
  // Reply-and-wait without a caller skips the reply (a server loop's first round); the
  // zero-timeout receive phase then times out. A plain reply reports no_partner.
  REQUIRE_EQ(ipc_raw(ipc::reply | ipc::recv, 0, ep, t_0, nullptr), Status::timeout);
  REQUIRE_EQ(ipc_raw(ipc::reply, 0, 0, t_0, nullptr), Status::no_partner);
}

ARC_TEST(IPC0010, "caller waiting for a deleted server's reply: partner_gone") {
  stuck.ep_call = make(ObjType::endpoint);
  stuck.ep_block = make(ObjType::endpoint);
  REQUIRE(stuck.ep_call && stuck.ep_block);
  CapSlot s = spawn(take_call_then_block, 0);
  REQUIRE(s);
  peer = Peer{};
  peer.ep = stuck.ep_call;
  peer.timeouts = forever;
  CapSlot c = spawn(caller_main, 0);
  REQUIRE(c);
  REQUIRE(wait_state(c, ThreadState::wait_reply, 1000));
  REQUIRE(wait_state(s, ThreadState::recv_blocked, 1000));
  REQUIRE_OK(cap_delete(s));
  REQUIRE(wait_for(peer.done, 1000));
  REQUIRE_EQ(peer.st, Status::partner_gone);
}

ARC_TEST(IPC0011, "sender blocked on a deleted endpoint: partner_gone") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = forever;
  REQUIRE(peer.ep);
  CapSlot t = spawn(sender_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::send_blocked, 1000));
  REQUIRE_OK(cap_delete(peer.ep));
  REQUIRE(wait_for(peer.done, 1000));
  REQUIRE_EQ(peer.st, Status::partner_gone);
}

ARC_TEST(IPC0012, "receiver blocked on a deleted endpoint: partner_gone") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = forever;
  REQUIRE(peer.ep);
  CapSlot t = spawn(receiver_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  REQUIRE_OK(cap_delete(peer.ep));
  REQUIRE(wait_for(peer.done, 1000));
  REQUIRE_EQ(peer.st, Status::partner_gone);
}

ARC_TEST(IPC0013, "exregs abort_ipc cancels a blocked receive and a blocked send") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = forever;
  REQUIRE(peer.ep);
  CapSlot t = spawn(receiver_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  Result r = xregs(t, xr::abort_ipc);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[3], word(ThreadState::recv_blocked));
  REQUIRE(wait_for(peer.done, 1000));
  REQUIRE_EQ(peer.st, Status::cancelled);

  peer.done = 0;
  peer.st = Status::ok;
  CapSlot t2 = spawn(sender_main, 0);
  REQUIRE(t2);
  REQUIRE(wait_state(t2, ThreadState::send_blocked, 1000));
  REQUIRE_OK(xregs(t2, xr::abort_ipc).status);
  REQUIRE(wait_for(peer.done, 1000));
  REQUIRE_EQ(peer.st, Status::cancelled);
}

ARC_TEST(IPC0014, "endpoint rights: send needs send, receive needs recv") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot s_only = slot(), r_only = slot();
  REQUIRE(ep);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, s_only, rights::send));
  REQUIRE_OK(cap_copy(ep, boot_cap::space, r_only, rights::recv));
  set_tag(1, 0);
  REQUIRE_EQ(send(r_only, t_0), Status::no_rights);
  REQUIRE_EQ(recv(s_only, nullptr, t_0), Status::no_rights);
  set_tag(1, 0);
  REQUIRE_EQ(call(r_only, t_0), Status::no_rights);
  REQUIRE_EQ(send(s_only, t_0), Status::timeout);   // allowed, nobody there
}

ARC_TEST(IPC0015, "IPC through an empty, out-of-range or non-endpoint slot: invalid_cap") {
  CapSlot empty = slot();
  REQUIRE(empty);
  set_tag(1, 0);
  REQUIRE_EQ(send(empty, t_0), Status::invalid_cap);
  REQUIRE_EQ(recv(empty, nullptr, t_0), Status::invalid_cap);
  set_tag(1, 0);
  REQUIRE_EQ(send(100000, t_0), Status::invalid_cap);
  set_tag(1, 0);
  REQUIRE_EQ(call(boot_cap::thread, t_0), Status::invalid_cap);
  set_tag(1, 0);
  REQUIRE_EQ(send(boot_cap::factory, t_0), Status::invalid_cap);
}

namespace {
struct Collector { CapSlot ep; volatile word got; volatile word last_label, last_tag; volatile word done; };
Collector coll;
// Receives until label_stop, counting what arrives.
void collector_main(word) {
  word badge;
  for (;;) {
    Status st = recv(coll.ep, &badge, t_2s);
    if (st != Status::ok) break;
    coll.got = coll.got + 1;
    coll.last_label = tag().label();
    coll.last_tag = tag().raw;
    if (tag().label() == label_stop) break;
  }
  coll.done = 1;
}
} // namespace

ARC_TEST(IPC0016, "malformed messages: invalid_arg; unknown items: map_failed") {
  coll = Collector{};
  coll.ep = make(ObjType::endpoint);
  REQUIRE(coll.ep);
  CapSlot t = spawn(collector_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  // More words than message registers.
  set_tag(0x51, 60, 8);
  REQUIRE_EQ(send(coll.ep, t_0), Status::invalid_arg);
  // Typed words come in pairs.
  set_tag(0x52, 0, 3);
  REQUIRE_EQ(send(coll.ep, t_0), Status::invalid_arg);
  REQUIRE_EQ(coll.got, 0ul);
  // Unknown item kind: the words arrive, the kernel flags the item as failed.
  set_tag(0x53, 1, 2);
  u()->mr[1] = 0x5353;
  u()->mr[2] = fpage(0x40000000, 12, fpage_rights::rwx);
  u()->mr[3] = 0x40000000 | 0xf;
  REQUIRE_OK(send(coll.ep, t_2s));
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  REQUIRE_EQ(coll.got, 1ul);
  REQUIRE_EQ(coll.last_label, 0x53ul);
  REQUIRE(Tag(coll.last_tag).map_failed());
  set_tag(label_stop, 0);
  REQUIRE_OK(send(coll.ep, t_2s));
  REQUIRE(wait_for(coll.done));
  REQUIRE_EQ(coll.got, 2ul);
}

namespace {
struct CapRecv { CapSlot ep; volatile Status st, id_st, call_st; volatile word type, rights, reply_label; volatile word done; };
CapRecv caprecv;
void cap_receiver_main(word) {
  u()->rcv_cap_slot = 7;
  word badge;
  caprecv.st = recv(caprecv.ep, &badge, t_2s);
  Result id = cap_identify(7);
  caprecv.id_st = id.status;
  caprecv.type = id.r[0];
  caprecv.rights = id.r[1];
  set_tag(0x70, 0);
  caprecv.call_st = call(7, t_2s);   // use it: call the echo server behind it
  caprecv.reply_label = tag().label();
  caprecv.done = 1;
}
} // namespace

ARC_TEST(IPC0017, "capability item moves a send right into another space") {
  echo = Echo{};
  echo.ep = make(ObjType::endpoint);
  REQUIRE(echo.ep);
  REQUIRE(spawn(echo_main, word(&echo)));
  CapSlot ep = make(ObjType::endpoint);
  REQUIRE(ep);
  CapSlot pg;
  CapSlot sp = make_space(0x1701, &pg);
  REQUIRE(sp);
  REQUIRE_OK(cap_copy(ep, sp, 5, rights::recv));
  caprecv = CapRecv{};
  caprecv.ep = 5;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  CapSlot t = spawn(cap_receiver_main, 0, o);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  set_tag(0x71, 0, 2);
  u()->mr[1] = echo.ep;
  u()->mr[2] = (rights::send << 8) | item::cap;
  REQUIRE_OK(send(ep, t_2s));
  REQUIRE(wait_for(caprecv.done));
  REQUIRE_EQ(caprecv.st, Status::ok);
  REQUIRE_EQ(caprecv.id_st, Status::ok);
  REQUIRE_EQ(caprecv.type, word(ObjType::endpoint));
  REQUIRE_EQ(caprecv.rights, rights::send);
  REQUIRE_EQ(caprecv.call_st, Status::ok);
  REQUIRE_EQ(caprecv.reply_label, 0x71ul);
}

ARC_TEST(IPC0018, "items need the grant right on the endpoint capability") {
  coll = Collector{};
  coll.ep = make(ObjType::endpoint);
  CapSlot nogrant = slot();
  REQUIRE(coll.ep);
  REQUIRE_OK(cap_copy(coll.ep, boot_cap::space, nogrant, rights::send));
  CapSlot t = spawn(collector_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::recv_blocked, 1000));
  set_tag(0x72, 0, 2);
  u()->mr[1] = coll.ep;
  u()->mr[2] = (rights::all << 8) | item::cap;
  REQUIRE_EQ(send(nogrant, t_0), Status::no_rights);
  static char page[4096] __attribute__((aligned(4096)));
  page[0] = 1;
  set_tag(0x73, 0, 2);
  u()->mr[1] = fpage(word(page), 12, fpage_rights::rwx);
  u()->mr[2] = word(page) | item::map;
  REQUIRE_EQ(send(nogrant, t_0), Status::no_rights);
  set_tag(label_stop, 0);
  REQUIRE_OK(send(coll.ep, t_2s));
  REQUIRE(wait_for(coll.done));
  REQUIRE_EQ(coll.got, 1ul);
}

ARC_TEST(IPC0019, "call to a receiver that never answers, receive timeout bounded") {
  stuck.ep_call = make(ObjType::endpoint);
  stuck.ep_block = make(ObjType::endpoint);
  REQUIRE(stuck.ep_call && stuck.ep_block);
  REQUIRE(spawn(take_call_then_block, 0));
  set_tag(1, 0);
  word t0 = kd_ticks();
  REQUIRE_EQ(call(stuck.ep_call, ipc::timeouts(1000, 20)), Status::timeout);
  word dt = kd_ticks() - t0;
  REQUIRE_RANGE(dt, 20ul, 200ul);
}

ARC_TEST(IPC0020, "thread_ctl info: a blocked sender waits for the space that last took a message from the endpoint") {
  peer = Peer{};
  peer.ep = make(ObjType::endpoint);
  peer.timeouts = forever;
  REQUIRE(peer.ep);
  const Result me = syscall(Sys::thread_ctl, cap_self, word(ThreadOp::info));
  REQUIRE_OK(me.status);
  // Nobody has received from it yet: the kernel cannot say whom the sender waits for.
  CapSlot t = spawn(sender_main, 0);
  REQUIRE(t);
  REQUIRE(wait_state(t, ThreadState::send_blocked, 1000));
  Result r = syscall(Sys::thread_ctl, t, word(ThreadOp::info));
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[3], 0ul);
  // We take its message: from now on the endpoint is served by our space.
  word badge = 0;
  REQUIRE_OK(recv(peer.ep, &badge, forever));
  REQUIRE(wait_for(peer.done, 1000));
  peer.done = 0;
  CapSlot t2 = spawn(sender_main, 0);
  REQUIRE(t2);
  REQUIRE(wait_state(t2, ThreadState::send_blocked, 1000));
  r = syscall(Sys::thread_ctl, t2, word(ThreadOp::info));
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[3], me.r[2]);
  REQUIRE_OK(recv(peer.ep, &badge, forever));
  REQUIRE(wait_for(peer.done, 1000));
}
