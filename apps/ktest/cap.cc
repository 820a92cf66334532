// Capabilities and objects: identify, copy, mint, move, delete, revoke, create, quotas.
#include "common.hh"

using namespace arc;
using namespace ktest;

ARC_TEST(CAP0001, "boot capabilities have the documented types") {
  struct { CapSlot s; ObjType t; } want[] = {
      {boot_cap::space, ObjType::space},       {boot_cap::thread, ObjType::thread},
      {boot_cap::factory, ObjType::factory},   {boot_cap::pager, ObjType::endpoint},
      {boot_cap::irq_control, ObjType::irq_control}, {boot_cap::ioports, ObjType::ioports}};
  for (auto &w : want) {
    Result r = cap_identify(w.s);
    REQUIRE_OK(r.status);
    REQUIRE_EQ(r.r[0], word(w.t));
  }
  REQUIRE_EQ(cap_identify(boot_cap::thread).r[1] & (rights::control | rights::perfmon),
             rights::control | rights::perfmon);
}

ARC_TEST(CAP0002, "identify: an empty slot is empty, an out-of-range one invalid_cap") {
  REQUIRE(is_empty(0));
  CapSlot s = slot();
  REQUIRE(s);
  REQUIRE(is_empty(s));
  REQUIRE_EQ(cap_identify(1u << 20).status, Status::invalid_cap);
  REQUIRE_EQ(cap_identify(cap_self - 1).status, Status::invalid_cap);
}

ARC_TEST(CAP0003, "copy masks rights and never adds any") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot(), b = slot();
  REQUIRE(ep && a && b);
  REQUIRE_EQ(cap_identify(ep).r[1] & (rights::send | rights::recv | rights::grant),
             rights::send | rights::recv | rights::grant);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, a, rights::send));
  Result r = cap_identify(a);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], word(ObjType::endpoint));
  REQUIRE_EQ(r.r[1], rights::send);
  REQUIRE_OK(cap_copy(a, boot_cap::space, b, rights::all));
  REQUIRE_EQ(cap_identify(b).r[1], rights::send);
}

ARC_TEST(CAP0004, "mint sets a badge; an unbadged copy keeps badge 0") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot(), b = slot(), c = slot();
  REQUIRE(ep && a && b && c);
  REQUIRE_OK(cap_mint(ep, boot_cap::space, a, rights::send, 0xbad9e));
  REQUIRE_EQ(cap_identify(a).r[2], 0xbad9eul);
  REQUIRE_OK(cap_copy(a, boot_cap::space, b, rights::all));
  REQUIRE_EQ(cap_identify(b).r[2], 0xbad9eul);
  REQUIRE_EQ(cap_identify(ep).r[2], 0ul);
  // A badge cannot be changed by minting again.
  REQUIRE_EQ(cap_mint(a, boot_cap::space, c, rights::send, 0x77), Status::invalid_arg);
}

ARC_TEST(CAP0005, "copy into an occupied slot is refused") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot();
  REQUIRE(ep && a);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, a, rights::all));
  REQUIRE_EQ(cap_copy(ep, boot_cap::space, a, rights::all), Status::busy);
  REQUIRE_EQ(cap_copy(ep, boot_cap::space, 0, rights::all), Status::invalid_cap);
}

ARC_TEST(CAP0006, "move empties the source slot") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot();
  REQUIRE(ep && a);
  REQUIRE_OK(cap_move(ep, boot_cap::space, a));
  REQUIRE(is_empty(ep));
  REQUIRE_EQ(cap_identify(a).r[0], word(ObjType::endpoint));
  // Still the same object and still the original: deleting it works.
  REQUIRE_OK(cap_delete(a));
  REQUIRE(is_empty(a));
}

ARC_TEST(CAP0007, "deleting the original destroys every copy") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot(), b = slot();
  REQUIRE(ep && a && b);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, a, rights::all));
  REQUIRE_OK(cap_copy(a, boot_cap::space, b, rights::all));
  REQUIRE_OK(cap_delete(ep));
  REQUIRE(is_empty(a));
  REQUIRE(is_empty(b));
  REQUIRE_EQ(cap_delete(ep), Status::invalid_cap);
}

ARC_TEST(CAP0008, "deleting a copy leaves the object; revoke deletes derived copies only") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot a = slot(), b = slot(), c = slot();
  REQUIRE(ep && a && b && c);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, a, rights::all));
  REQUIRE_OK(cap_delete(a));
  REQUIRE_OK(cap_identify(ep).status);
  REQUIRE_OK(cap_copy(ep, boot_cap::space, a, rights::all));
  REQUIRE_OK(cap_copy(a, boot_cap::space, b, rights::all));
  REQUIRE_OK(cap_mint(ep, boot_cap::space, c, rights::send, 5));
  REQUIRE_OK(cap_revoke(a));
  REQUIRE_OK(cap_identify(a).status);
  REQUIRE(is_empty(b));
  REQUIRE_OK(cap_identify(c).status);
  REQUIRE_OK(cap_revoke(ep));
  REQUIRE_OK(cap_identify(ep).status);
  REQUIRE(is_empty(a));
  REQUIRE(is_empty(c));
}

ARC_TEST(CAP0009, "copy into another space; its threads use it") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot pg;
  CapSlot sp = make_space(0x901, &pg);
  REQUIRE(ep && sp);
  REQUIRE_OK(cap_copy(ep, sp, 9, rights::send));
  REQUIRE_EQ(cap_copy(ep, sp, 9, rights::send), Status::busy);
  REQUIRE_EQ(cap_copy(ep, sp, 1u << 20, rights::send), Status::invalid_cap);   // beyond 2^8
  REQUIRE_EQ(cap_copy(ep, ep, 10, rights::send), Status::invalid_cap);         // not a space
  REQUIRE_OK(cap_move(ep, sp, 10));
  REQUIRE(is_empty(ep));
}

ARC_TEST(CAP0010, "bad cap_ctl operation: invalid_arg") {
  REQUIRE_EQ(syscall(Sys::cap_ctl, 99, boot_cap::thread).status, Status::invalid_arg);
  REQUIRE_EQ(syscall(Sys::cap_ctl, ~word(0), boot_cap::thread).status, Status::invalid_arg);
}

ARC_TEST(CAP0011, "create: bad type, bad size, wrong capability") {
  CapSlot s = slot(), f = slot();
  REQUIRE(s && f);
  REQUIRE_EQ(create(boot_cap::factory, ObjType(99), s), Status::invalid_arg);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::irq, s), Status::invalid_arg);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::space, s, 3), Status::invalid_arg);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::space, s, 13), Status::invalid_arg);
  REQUIRE_EQ(create(boot_cap::thread, ObjType::endpoint, s), Status::invalid_cap);
  REQUIRE_EQ(create(s, ObjType::endpoint, s), Status::invalid_cap);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::endpoint, 0), Status::invalid_cap);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::endpoint, boot_cap::thread), Status::busy);
  // Without the control right a factory is useless.
  REQUIRE_OK(cap_copy(boot_cap::factory, boot_cap::space, f, rights::all & ~rights::control));
  REQUIRE_EQ(create(f, ObjType::endpoint, s), Status::no_rights);
}

ARC_TEST(CAP0012, "a sub-factory with a tiny quota runs out: no_memory") {
  CapSlot f = slot();
  REQUIRE(f);
  REQUIRE_EQ(create(boot_cap::factory, ObjType::factory, f, 0x7ffffff0), Status::no_memory);
  REQUIRE_OK(create(boot_cap::factory, ObjType::factory, f, 2048));
  Status st = Status::ok;
  unsigned made = 0;
  for (; made < 64; ++made) {
    CapSlot s = slot();
    REQUIRE(s);
    st = create(f, ObjType::thread, s);
    if (st != Status::ok) break;
  }
  REQUIRE_EQ(st, Status::no_memory);
  // Spaces need more than a thread; a zero-quota factory cannot make anything.
  CapSlot g = slot(), s = slot();
  REQUIRE(g && s);
  REQUIRE_OK(create(boot_cap::factory, ObjType::factory, g, 0));
  REQUIRE_EQ(create(g, ObjType::endpoint, s), Status::no_memory);
}

ARC_TEST(CAP0013, "take moves a capability out of another space, derivation intact") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot pg1, pg2;
  CapSlot from = make_space(0x902, &pg1), to = make_space(0x903, &pg2);
  CapSlot back = slot();
  REQUIRE(ep && from && to && back);
  REQUIRE_OK(cap_mint(ep, from, 20, rights::send, 0x77));
  // Into a third space, then back home into our own capability space.
  REQUIRE_OK(cap_take(from, 20, to, 21).status);
  REQUIRE_EQ(cap_take(from, 20, to, 22).status, Status::invalid_cap);   // the source slot is empty now
  REQUIRE_OK(cap_take(to, 21, cap_self, back).status);
  Result r = cap_identify(back);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], word(ObjType::endpoint));
  REQUIRE_EQ(r.r[2], word(0x77));
  // Still derived from ep: revoking ep takes it away.
  REQUIRE_OK(cap_revoke(ep));
  REQUIRE(is_empty(back));
}

ARC_TEST(CAP0014, "take: bad spaces, occupied or empty slots, missing control right") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot pg;
  CapSlot sp = make_space(0x904, &pg);
  CapSlot weak = slot(), dst = slot();
  REQUIRE(ep && sp && weak && dst);
  REQUIRE_OK(cap_copy(ep, sp, 30, rights::send));
  REQUIRE_EQ(cap_take(ep, 30, cap_self, dst).status, Status::invalid_cap);      // not a space
  REQUIRE_EQ(cap_take(sp, 31, cap_self, dst).status, Status::invalid_cap);      // empty source
  REQUIRE_EQ(cap_take(sp, 1u << 20, cap_self, dst).status, Status::invalid_cap);
  REQUIRE_EQ(cap_take(sp, 30, cap_self, ep).status, Status::busy);              // occupied target
  REQUIRE_EQ(cap_take(sp, 30, sp, 30).status, Status::busy);                    // onto itself
  REQUIRE_OK(cap_copy(sp, boot_cap::space, weak, rights::all & ~rights::control));
  REQUIRE_EQ(cap_take(weak, 30, cap_self, dst).status, Status::no_rights);
  REQUIRE(is_empty(dst));
  REQUIRE_OK(cap_take(sp, 30, cap_self, dst).status);
}

ARC_TEST(CAP0015, "take a range: empty slots skipped, the count moved reported, busy stops it") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot pg1, pg2;
  CapSlot from = make_space(0x905, &pg1), to = make_space(0x906, &pg2);
  REQUIRE(ep && from && to);
  const CapSlot used[] = {40, 42, 45};
  for (CapSlot s : used) REQUIRE_OK(cap_copy(ep, from, s, rights::send));
  Result r = cap_take(from, 40, to, 40, 8);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], word(3));
  REQUIRE_EQ(cap_take(from, 40, to, 50, 8).r[0], word(0));   // all empty now: nothing moved
  REQUIRE_OK(cap_copy(ep, from, 41, rights::send));
  REQUIRE_OK(cap_copy(ep, from, 42, rights::send));
  r = cap_take(from, 41, to, 41, 2);   // 41 moves, 42 is occupied in the target
  REQUIRE_EQ(r.status, Status::busy);
  REQUIRE_EQ(r.r[0], word(1));
  REQUIRE_EQ(cap_take(from, 0, to, 0, 5000).status, Status::invalid_arg);
  REQUIRE_EQ(cap_take(from, 250, to, 250, 10).status, Status::invalid_cap);   // past 2^8 slots
}

ARC_TEST(CAP0018, "take a range across pages of slots, to other offsets; one past the end moves what precedes it") {
  CapSlot ep = make(ObjType::endpoint);
  CapSlot pg1, pg2;
  CapSlot from = make_space(0x907, &pg1), to = make_space(0x908, &pg2);
  REQUIRE(ep && from && to);
  // Slots come in pages of 64: 60..79 crosses into the second page, 120..139 into the third.
  const CapSlot used[] = {60, 63, 64, 70, 79};
  for (CapSlot s : used) REQUIRE_OK(cap_copy(ep, from, s, rights::send));
  Result r = cap_take(from, 60, to, 120, 20);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], word(5));
  CapSlot back = slot();
  REQUIRE(back);
  for (CapSlot k = 0; k < 20; ++k) {
    bool was_used = false;
    for (CapSlot s : used) was_used = was_used || s == 60 + k;
    // Each capability at its offset in the target, nothing else there; the source is empty.
    REQUIRE_EQ(cap_take(to, 120 + k, cap_self, back).status, was_used ? Status::ok : Status::invalid_cap);
    if (was_used) REQUIRE_OK(cap_delete(back));
    REQUIRE_EQ(cap_take(from, 60 + k, cap_self, back).status, Status::invalid_cap);
  }
  // A range that runs past the last slot (2^8): the slots before the end move, then it stops.
  REQUIRE_OK(cap_copy(ep, from, 250, rights::send));
  REQUIRE_OK(cap_copy(ep, from, 254, rights::send));
  r = cap_take(from, 250, to, 200, 10);
  REQUIRE_EQ(r.status, Status::invalid_cap);
  REQUIRE_EQ(r.r[0], word(2));
  REQUIRE_OK(cap_take(to, 204, cap_self, back).status);
}

ARC_TEST(CAP0016, "identify a factory: its quota and the bytes charged, all given back when its objects go") {
  CapSlot f = slot(), t = slot(), sp = slot(), ep = slot();
  REQUIRE(f && t && sp && ep);
  REQUIRE_OK(create(boot_cap::factory, ObjType::factory, f, 65536));   // an ARM space is 16 KiB+
  Result r = cap_identify(f);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[3], 65536ul);
  REQUIRE_EQ(r.r[4], 0ul);
  REQUIRE_OK(create(f, ObjType::thread, t));
  REQUIRE_OK(create(f, ObjType::space, sp, 6));
  REQUIRE_OK(create(f, ObjType::endpoint, ep));
  const word used = cap_identify(f).r[4];
  REQUIRE(used > 0 && used <= 65536);
  REQUIRE_OK(cap_delete(t));
  REQUIRE(cap_identify(f).r[4] < used);
  REQUIRE_OK(cap_delete(sp));
  REQUIRE_OK(cap_delete(ep));
  REQUIRE_EQ(cap_identify(f).r[4], 0ul);
  // Without control the account is not shown; other objects have none.
  CapSlot g = slot();
  REQUIRE(g);
  REQUIRE_OK(cap_copy(f, boot_cap::space, g, rights::send));
  REQUIRE_EQ(cap_identify(g).r[3], 0ul);
  REQUIRE_EQ(cap_identify(boot_cap::thread).r[4], 0ul);
}

ARC_TEST(CAP0017, "same: two capabilities to one object, whatever their rights and badges; not to another") {
  CapSlot ep = make(ObjType::endpoint), other = make(ObjType::endpoint);
  CapSlot minted = slot(), copy = slot(), empty = slot();
  REQUIRE(ep && other && minted && copy && empty);
  REQUIRE_OK(cap_mint(ep, boot_cap::space, minted, rights::send, 0x55));
  REQUIRE_OK(cap_copy(minted, boot_cap::space, copy, rights::send));
  REQUIRE(cap_same(ep, minted));
  REQUIRE(cap_same(copy, ep));
  REQUIRE(cap_same(ep, ep));
  REQUIRE(!cap_same(ep, other));
  REQUIRE(!cap_same(minted, other));
  // Empty or out-of-range slots are refused, not "different".
  REQUIRE_EQ(syscall(Sys::cap_ctl, word(CapOp::same), ep, empty).status, Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::cap_ctl, word(CapOp::same), empty, ep).status, Status::invalid_cap);
  REQUIRE_EQ(syscall(Sys::cap_ctl, word(CapOp::same), ep, 1u << 20).status, Status::invalid_cap);
  const Result r = syscall(Sys::cap_ctl, word(CapOp::same), ep, other);
  REQUIRE_OK(r.status);
  REQUIRE_EQ(r.r[0], 0ul);
  // Once the object is gone its copies are too: nothing left to compare.
  REQUIRE_OK(cap_delete(ep));
  REQUIRE(!cap_same(minted, copy));
}
