// Memory between spaces: map and grant items, receive windows and placement, recursive unmap
// (seen from a third space), rights downgrade, unmapping one's own pages.
//
// Receive windows are at 0x60000000 and up, where ktest itself has nothing: had the item not
// arrived, the generic pager would answer the other space's access with a fresh zero page of
// ours and the pattern checks fail.
#include "common.hh"

using namespace arc;
using namespace ktest;

namespace {
alignas(16384) char pages[16][4096];   // pages[0..3] form one 16 KiB fpage

volatile word &vw(word addr) { return *reinterpret_cast<volatile word *>(addr); }

void send_map(CapSlot ep, word page, unsigned log2, word hotspot, word kind, Status *st) {
  set_tag(0x60, 0, 2);
  u()->mr[1] = fpage(page, log2, fpage_rights::rwx);
  u()->mr[2] = hotspot | kind;
  *st = send(ep, t_2s);
}

// One thread in another space that receives an item into `window` and then runs a few steps,
// each released by ktest through `go`.
struct Remote {
  CapSlot ep;             // receive endpoint, in the remote cspace
  word window;            // its rcv_window
  CapSlot fwd_ep;         // if non-zero: forward the page to this endpoint (remote cspace)
  word fwd_hotspot;
  word addr;              // where it looks at the page
  volatile Status st, fwd_st;
  volatile word tag;
  volatile word seen[4];  // values read at addr in steps 0..3
  volatile word go;       // ktest lets step i run when go > i
  volatile word step;     // steps done
  word write_step;        // in this step write 0xfeedbeef to addr + 4 instead of reading
  volatile word done;
};
Remote rb, rc, rx[3];

void remote_main(word arg) {
  Remote &r = *reinterpret_cast<Remote *>(arg);
  u()->rcv_window = r.window;
  word badge;
  r.st = recv(r.ep, &badge, t_2s);
  r.tag = u()->mr[0];
  if (r.fwd_ep) send_map(r.fwd_ep, r.addr, 12, r.fwd_hotspot, item::map, const_cast<Status *>(&r.fwd_st));
  for (word i = 0; i < 4; ++i) {
    while (r.go <= i) sleep_ms(1);
    if (r.write_step == i + 1) vw(r.addr + 4) = 0xfeedbeef;
    r.seen[i] = vw(r.addr);
    r.step = i + 1;
  }
  r.done = 1;
}

// Let the remote thread run up to `step` steps and wait until it has.
bool release(Remote &r, word step) {
  r.go = step;
  word t0 = kd_ticks();
  while (r.step < step) {
    if (kd_ticks() - t0 > 2000) return false;
    sleep_ms(1);
  }
  return true;
}

CapSlot remote_space(word badge, CapSlot ep, CapSlot *pager) {
  CapSlot sp = make_space(badge, pager);
  if (sp && cap_copy(ep, sp, 5, rights::recv) != Status::ok) return 0;
  return sp;
}
} // namespace

ARC_TEST(MAP0001, "map a page into another space: shared both ways") {
  word page = word(pages[4]);
  vw(page) = 0xcafe0001;
  vw(page + 4) = 0;
  CapSlot ep = make(ObjType::endpoint), pg;
  REQUIRE(ep);
  CapSlot sp = remote_space(0xa1, ep, &pg);
  REQUIRE(sp);
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x60000000, 12, fpage_rights::rwx);
  rb.addr = 0x60000000;
  rb.write_step = 2;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(remote_main, word(&rb), o));
  unsigned since = fault_count;
  Status st;
  send_map(ep, page, 12, 0x60000000, item::map, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 2));
  REQUIRE_OK(rb.st);
  REQUIRE_EQ(Tag(rb.tag).map_failed(), false);
  REQUIRE_EQ(rb.seen[0], 0xcafe0001ul);
  REQUIRE_EQ(vw(page + 4), 0xfeedbeeful);
  REQUIRE_EQ(find_fault(since, 0xa1, 0x60000000, 0x60001000), nullptr);
  vw(page) = 0xcafe0002;
  REQUIRE(release(rb, 3));
  REQUIRE_EQ(rb.seen[2], 0xcafe0002ul);
}

ARC_TEST(MAP0002, "grant moves the page: the sender loses it") {
  word page = word(pages[5]);
  vw(page) = 0xcafe0005;
  CapSlot ep = make(ObjType::endpoint), pg;
  REQUIRE(ep);
  CapSlot sp = remote_space(0xa2, ep, &pg);
  REQUIRE(sp);
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x60100000, 12, fpage_rights::rwx);
  rb.addr = 0x60100000;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(remote_main, word(&rb), o));
  unsigned since = fault_count;
  Status st;
  send_map(ep, page, 12, 0x60100000, item::grant, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 1));
  REQUIRE_OK(rb.st);
  REQUIRE_EQ(rb.seen[0], 0xcafe0005ul);
  REQUIRE_EQ(find_fault(since, 0xa2, 0x60100000, 0x60101000), nullptr);
  // Our next access faults to sigma0, which hands us a fresh zero page.
  REQUIRE_EQ(vw(page), 0ul);
  vw(page) = 0x1234;
  REQUIRE(release(rb, 2));
  REQUIRE_EQ(rb.seen[1], 0xcafe0005ul);
}

ARC_TEST(MAP0003, "recursive unmap: A maps to B, B to C, A unmaps, C faults to its pager") {
  word page = word(pages[6]);
  vw(page) = 0xcafe0006;
  CapSlot ep_b = make(ObjType::endpoint), ep_c = make(ObjType::endpoint), pg_b, pg_c;
  REQUIRE(ep_b && ep_c);
  CapSlot sb = remote_space(0xb3, ep_b, &pg_b);
  CapSlot sc = remote_space(0xc3, ep_c, &pg_c);
  REQUIRE(sb && sc);
  REQUIRE_OK(cap_copy(ep_c, sb, 6, rights::send | rights::grant));
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x60200000, 12, fpage_rights::rwx);
  rb.addr = 0x60200000;
  rb.fwd_ep = 6;
  rb.fwd_hotspot = 0x60300000;
  rc = Remote{};
  rc.ep = 5;
  rc.window = fpage(0x60300000, 12, fpage_rights::rwx);
  rc.addr = 0x60300000;
  ThreadOpts o;
  o.space = sc;
  o.pager = pg_c;
  REQUIRE(spawn(remote_main, word(&rc), o));
  o.space = sb;
  o.pager = pg_b;
  REQUIRE(spawn(remote_main, word(&rb), o));
  unsigned since = fault_count;
  Status st;
  send_map(ep_b, page, 12, 0x60200000, item::map, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 1));
  REQUIRE(release(rc, 1));
  REQUIRE_OK(rb.st);
  REQUIRE_OK(rb.fwd_st);
  REQUIRE_OK(rc.st);
  REQUIRE_EQ(rb.seen[0], 0xcafe0006ul);
  REQUIRE_EQ(rc.seen[0], 0xcafe0006ul);
  REQUIRE_EQ(find_fault(since, 0xc3, 0x60300000, 0x60301000), nullptr);
  REQUIRE_OK(unmap(fpage(page, 12, fpage_rights::rwx), false));
  REQUIRE_EQ(vw(page), 0xcafe0006ul);   // ours stays
  REQUIRE(release(rc, 2));
  const FaultRecord *f = find_fault(since, 0xc3, 0x60300000, 0x60301000);
  REQUIRE(f != nullptr);
  REQUIRE_EQ(f->addr, 0x60300000ul);
  REQUIRE(f->access & fault::read);
  REQUIRE_NE(rc.seen[1], 0xcafe0006ul);   // the pager gave C another page
  REQUIRE(release(rb, 2));
  REQUIRE(find_fault(since, 0xb3, 0x60200000, 0x60201000) != nullptr);
}

ARC_TEST(MAP0004, "unmap with rights w only makes the mapping read-only") {
  word page = word(pages[7]);
  vw(page) = 0xcafe0007;
  vw(page + 4) = 0;
  CapSlot ep = make(ObjType::endpoint), pg;
  REQUIRE(ep);
  CapSlot sp = remote_space(0xa4, ep, &pg);
  REQUIRE(sp);
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x60400000, 12, fpage_rights::rwx);
  rb.addr = 0x60400000;
  rb.write_step = 3;   // step index 2 writes
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(remote_main, word(&rb), o));
  Status st;
  send_map(ep, page, 12, 0x60400000, item::map, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 1));
  REQUIRE_EQ(rb.seen[0], 0xcafe0007ul);
  unsigned since = fault_count;
  REQUIRE_OK(unmap(fpage(page, 12, fpage_rights::w), false));
  REQUIRE(release(rb, 2));   // a read: still mapped
  REQUIRE_EQ(rb.seen[1], 0xcafe0007ul);
  REQUIRE_EQ(find_fault(since, 0xa4, 0x60400000, 0x60401000), nullptr);
  REQUIRE(release(rb, 3));   // a write: faults
  const FaultRecord *f = find_fault(since, 0xa4, 0x60400000, 0x60401000);
  REQUIRE(f != nullptr);
  REQUIRE(f->access & fault::write);
  REQUIRE_EQ(vw(page + 4), 0ul);   // the write did not reach our page
  vw(page + 4) = 1;                // and we can still write it
}

ARC_TEST(MAP0005, "unmap self: our own page is gone, sigma0 gives a fresh one") {
  word page = word(pages[8]);
  vw(page) = 0xcafe0008;
  REQUIRE_OK(unmap(fpage(page, 12, fpage_rights::rwx), true));
  REQUIRE_EQ(vw(page), 0ul);
}

ARC_TEST(MAP0006, "placement: a 16 KiB fpage lands at window base + hot spot mod window size") {
  for (word i = 0; i < 4; ++i) vw(word(pages[i])) = 0xcafe1000 + i;
  CapSlot ep = make(ObjType::endpoint), pg;
  REQUIRE(ep);
  CapSlot sp = remote_space(0xa6, ep, &pg);
  REQUIRE(sp);
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x61000000, 16, fpage_rights::rwx);
  rb.addr = 0x61008000;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(remote_main, word(&rb), o));
  unsigned since = fault_count;
  Status st;
  // Hot spot 0x7f30a000: mod 64 KiB = 0xa000, rounded down to 16 KiB = 0x8000.
  send_map(ep, word(pages[0]), 14, 0x7f30a000, item::map, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 1));
  REQUIRE_OK(rb.st);
  REQUIRE_EQ(rb.seen[0], 0xcafe1000ul);
  // The other three pages, read by a second thread in the same space.
  for (word i = 1; i < 4; ++i) {
    Remote &r = rx[i - 1];
    r = Remote{};
    r.addr = 0x61008000 + i * 4096;
    r.ep = 7;   // empty: the receive fails at once, then the steps run
    REQUIRE(spawn(remote_main, word(&r), o));
    REQUIRE(release(r, 1));
    REQUIRE_EQ(r.seen[0], 0xcafe1000ul + i);
  }
  REQUIRE_EQ(find_fault(since, 0xa6, 0x61000000, 0x61010000), nullptr);
}

ARC_TEST(MAP0007, "unmap: malformed fpages are refused, unmapped ranges are fine") {
  REQUIRE_EQ(unmap(fpage(0x40000000, 5, fpage_rights::rwx)), Status::invalid_arg);
  REQUIRE_EQ(unmap(fpage(0x40000000, 40, fpage_rights::rwx)), Status::invalid_arg);
  REQUIRE_OK(unmap(fpage(0x70000000, 20, fpage_rights::rwx)));
  REQUIRE_OK(unmap(fpage(0x70000000, 12, 0)));
}

ARC_TEST(MAP0008, "a send fpage larger than the window: only the window's size of it, around the hot spot") {
  for (word i = 0; i < 4; ++i) vw(word(pages[i])) = 0xcafe2000 + i;
  CapSlot ep = make(ObjType::endpoint), pg;
  REQUIRE(ep);
  CapSlot sp = remote_space(0xa8, ep, &pg);
  REQUIRE(sp);
  rb = Remote{};
  rb.ep = 5;
  rb.window = fpage(0x62000000, 12, fpage_rights::rwx);
  rb.addr = 0x62000000;
  ThreadOpts o;
  o.space = sp;
  o.pager = pg;
  REQUIRE(spawn(remote_main, word(&rb), o));
  unsigned since = fault_count;
  Status st;
  // Hot spot 0x5432a000: mod 16 KiB = 0x2000, so the send fpage's third page is the one passed.
  send_map(ep, word(pages[0]), 14, 0x5432a000, item::map, &st);
  REQUIRE_OK(st);
  REQUIRE(release(rb, 1));
  REQUIRE_OK(rb.st);
  REQUIRE_EQ(Tag(rb.tag).raw & tag_map_failed, 0ul);
  REQUIRE_EQ(rb.seen[0], 0xcafe2002ul);
  REQUIRE_EQ(find_fault(since, 0xa8, 0x62000000, 0x62001000), nullptr);
}
