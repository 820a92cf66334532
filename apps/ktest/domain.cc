// Secure domains (kernel/object/domain.hh): a domain factory makes a domain of its own; a thread
// of a domain puts nothing into, and takes nothing out of, another domain's spaces, and no
// capability or memory crosses in an IPC between domains, while domain 0 (ktest here, the boot
// domain) does all of that; deleting a domain factory frees everything the domain made and
// nothing of another domain.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
constexpr word domain_quota = 256 * 1024;   // an ARM space alone is 16 KiB and more

// A domain factory in a fresh slot.
CapSlot make_domain() {
  CapSlot d = slot();
  return d && create(boot_cap::factory, ObjType::domain, d, domain_quota) == Status::ok ? d : 0;
}
CapSlot make_in(CapSlot factory, ObjType type, word arg = 0) {
  CapSlot s = slot();
  return s && create(factory, type, s, arg) == Status::ok ? s : 0;
}

// What a thread running in a space of domain X finds (slots of its own capability space, filled
// by the test): 5 a space of domain Y (control: a grant gone wrong), 6 an endpoint of X, 7 a
// second space of X, 8 X's domain factory, 9 a factory of domain 0, 10 an endpoint of ktest's
// (domain 0) it may call.
struct Cross {
  volatile Status copy_out, take_out, copy_in_own, mint_own, domain_from_x, domain_from_0;
  volatile Status call_plain, call_cap, call_map;
  volatile word got_cap_type;   // what domain 0 sent back with its reply (a capability item)
  volatile word done;
};
Cross cross;
Echo dom_echo;
alignas(4096) char cross_page[4096];

void cross_main(word) {
  cross.copy_out = cap_copy(6, 5, 20, rights::all);
  cross.take_out = cap_take(5, 30, cap_self, 21).status;
  cross.copy_in_own = cap_copy(6, 7, 20, rights::all);
  cross.mint_own = cap_mint(6, cap_self, 22, rights::send, 0x9);
  cross.domain_from_x = create(8, ObjType::domain, 23, 4096);
  cross.domain_from_0 = create(9, ObjType::domain, 24, 4096);
  // IPC into domain 0: words pass; a capability or a page the message carries does not.
  set_tag(0x51, 2);
  u()->mr[1] = 11;
  u()->mr[2] = 12;
  cross.call_plain = call(10, t_2s);
  set_tag(0x52, 0, 2);
  u()->mr[1] = 6;                                       // our endpoint of X
  u()->mr[2] = (rights::send << 8) | item::cap;
  cross.call_cap = call(10, t_2s);
  set_tag(0x53, 0, 2);
  cross_page[0] = 1;                                    // mapped here by now
  u()->mr[1] = fpage(word(cross_page), 12, fpage_rights::rwx);
  u()->mr[2] = word(cross_page) | item::map;
  u()->rcv_cap_slot = 25;                               // domain 0's reply brings one
  cross.call_map = call(10, t_2s);
  cross.got_cap_type = cap_identify(25).r[0];
  u()->rcv_cap_slot = 0;
  cross.done = 1;
}
} // namespace

ARC_TEST(DOM0001, "a domain factory has a domain of its own, and everything made from it is in that domain") {
  CapSlot dx = make_domain(), dy = make_domain();
  REQUIRE(dx && dy);
  REQUIRE_EQ(cap_identify(dx).r[0], word(ObjType::factory));
  REQUIRE_EQ(cap_domain(boot_cap::factory), 0ul);
  REQUIRE_EQ(cap_domain(boot_cap::space), 0ul);
  const word x = cap_domain(dx), y = cap_domain(dy);
  REQUIRE(x != 0 && y != 0 && x != y && x != ~word(0));
  CapSlot ep = make_in(dx, ObjType::endpoint), sub = make_in(dx, ObjType::factory, 8192);
  REQUIRE(ep && sub);
  REQUIRE_EQ(cap_domain(ep), x);
  REQUIRE_EQ(cap_domain(sub), x);
  CapSlot ep2 = make_in(sub, ObjType::endpoint);
  REQUIRE(ep2);
  REQUIRE_EQ(cap_domain(ep2), x);
  // A copy names the same object: the same domain, wherever it is kept.
  CapSlot copy = slot();
  REQUIRE_OK(cap_mint(ep, boot_cap::space, copy, rights::send, 7));
  REQUIRE_EQ(cap_domain(copy), x);
  // No domain inside a domain, even for domain 0.
  CapSlot nested = slot();
  REQUIRE_EQ(create(sub, ObjType::domain, nested, 4096), Status::no_rights);
  REQUIRE_EQ(create(dx, ObjType::domain, nested, 4096), Status::no_rights);
  REQUIRE(is_empty(nested));
  REQUIRE_EQ(cap_domain(nested), ~word(0));   // an empty slot has none
}

ARC_TEST(DOM0002, "a thread of one domain cannot reach another's spaces, capabilities or memory; its own it can") {
  cross = Cross{};
  CapSlot dx = make_domain(), dy = make_domain();
  REQUIRE(dx && dy);
  CapSlot spx = make_in(dx, ObjType::space, 8), spx2 = make_in(dx, ObjType::space, 8);
  CapSlot spy = make_in(dy, ObjType::space, 8), epx = make_in(dx, ObjType::endpoint);
  CapSlot fac0 = make(ObjType::factory, 4096), ep0 = make(ObjType::endpoint);
  CapSlot pg = slot();
  REQUIRE(spx && spx2 && spy && epx && fac0 && ep0 && pg);
  REQUIRE_OK(cap_mint(slots::pager_ep, boot_cap::space, pg, rights::send | rights::grant, 0xd02));
  // Domain 0 puts capabilities anywhere.
  REQUIRE_OK(cap_copy(spy, spx, 5, rights::all));
  REQUIRE_OK(cap_copy(epx, spx, 6, rights::all));
  REQUIRE_OK(cap_copy(spx2, spx, 7, rights::all));
  REQUIRE_OK(cap_copy(dx, spx, 8, rights::all));
  REQUIRE_OK(cap_copy(fac0, spx, 9, rights::all));
  REQUIRE_OK(cap_copy(ep0, spx, 10, rights::send | rights::grant));
  REQUIRE_OK(cap_copy(epx, spy, 30, rights::all));
  ThreadOpts o;
  o.space = spx;
  o.pager = pg;
  REQUIRE(spawn(cross_main, 0, o));
  // Serve its three calls; the last answer carries a capability into domain X (domain 0 may).
  word badge = 0;
  REQUIRE_OK(recv(ep0, &badge, t_2s));
  REQUIRE_EQ(tag().label(), 0x51ul);
  REQUIRE_EQ(u()->mr[2], 12ul);
  REQUIRE(!tag().map_failed());
  set_tag(0, 0);
  CapSlot got = slot();
  REQUIRE(got);
  u()->rcv_cap_slot = got;
  u()->rcv_window = fpage(0x70000000, 12, fpage_rights::rwx);
  REQUIRE_OK(reply_wait(ep0, &badge, t_2s));
  REQUIRE_EQ(tag().label(), 0x52ul);
  REQUIRE(tag().map_failed());
  REQUIRE(is_empty(got));
  set_tag(0, 0);
  REQUIRE_OK(reply_wait(ep0, &badge, t_2s));
  REQUIRE_EQ(tag().label(), 0x53ul);
  REQUIRE(tag().map_failed());
  u()->rcv_cap_slot = 0;
  u()->rcv_window = 0;
  set_tag(0, 0, 2);
  u()->mr[1] = epx;
  u()->mr[2] = (rights::send << 8) | item::cap;
  REQUIRE_OK(reply(t_2s));
  REQUIRE(wait_for(cross.done));
  REQUIRE_EQ(cross.copy_out, Status::no_rights);
  REQUIRE_EQ(cross.take_out, Status::no_rights);
  REQUIRE_OK(cross.copy_in_own);
  REQUIRE_OK(cross.mint_own);
  REQUIRE_EQ(cross.domain_from_x, Status::no_rights);
  REQUIRE_EQ(cross.domain_from_0, Status::no_rights);
  REQUIRE_OK(cross.call_plain);
  REQUIRE_OK(cross.call_cap);
  REQUIRE_OK(cross.call_map);
  REQUIRE_EQ(cross.got_cap_type, word(ObjType::endpoint));
  // Nothing arrived in Y; the copy inside X did, and Y's own capability is still Y's.
  CapSlot probe = slot();
  REQUIRE(probe);
  REQUIRE_EQ(cap_take(spy, 20, cap_self, probe).status, Status::invalid_cap);
  REQUIRE_OK(cap_take(spx2, 20, cap_self, probe).status);
  REQUIRE_EQ(cap_domain(probe), cap_domain(dx));
  CapSlot probe2 = slot();
  REQUIRE(probe2);
  REQUIRE_OK(cap_take(spy, 30, cap_self, probe2).status);
}

ARC_TEST(DOM0003, "deleting a domain factory frees everything the domain made, and nothing of another domain") {
  // Domain Y first, serving: an echo thread (of domain 0) on Y's endpoint.
  dom_echo = Echo{};
  CapSlot dy = make_domain();
  REQUIRE(dy);
  CapSlot epy = make_in(dy, ObjType::endpoint), spy = make_in(dy, ObjType::space, 8);
  REQUIRE(epy && spy);
  dom_echo.ep = epy;
  REQUIRE(spawn(echo_main, word(&dom_echo)));
  const word used_before = cap_identify(boot_cap::factory).r[4];
  const word used_y = cap_identify(dy).r[4];
  // Domain X: a space with a thread bound to it, an endpoint, a sub-factory with an object.
  CapSlot dx = make_domain();
  REQUIRE(dx);
  CapSlot spx = make_in(dx, ObjType::space, 8), thx = make_in(dx, ObjType::thread);
  CapSlot epx = make_in(dx, ObjType::endpoint), subx = make_in(dx, ObjType::factory, 16384);
  REQUIRE(spx && thx && epx && subx);
  CapSlot ep_sub = make_in(subx, ObjType::endpoint);
  REQUIRE(ep_sub);
  REQUIRE_OK(thread_ctl(thx, ThreadOp::bind_space, spx));
  // Copies of X's objects elsewhere: in our space, and one domain 0 put into Y's space.
  CapSlot copy = slot();
  REQUIRE(copy);
  REQUIRE_OK(cap_mint(epx, boot_cap::space, copy, rights::send, 3));
  REQUIRE_OK(cap_copy(epx, spy, 40, rights::send));
  REQUIRE(cap_identify(boot_cap::factory).r[4] > used_before);
  REQUIRE_OK(cap_delete(dx));
  const CapSlot gone[] = {spx, thx, epx, subx, ep_sub, copy};
  for (CapSlot s : gone) REQUIRE(is_empty(s));
  CapSlot probe = slot();
  REQUIRE(probe);
  REQUIRE_EQ(cap_take(spy, 40, cap_self, probe).status, Status::invalid_cap);   // revoked there too
  // Every byte of X went back; Y is whole: its objects, its account, and it answers.
  REQUIRE_EQ(cap_identify(boot_cap::factory).r[4], used_before);
  REQUIRE_EQ(cap_identify(dy).r[4], used_y);
  REQUIRE_EQ(cap_identify(spy).r[0], word(ObjType::space));
  set_tag(0x40, 1);
  u()->mr[1] = 41;
  REQUIRE_OK(call(epy, t_2s));
  REQUIRE_EQ(u()->mr[1], 42ul);
  set_tag(label_stop, 0);
  REQUIRE_OK(call(epy, t_2s));
}
