// Copying a message from sender to receiver: message registers, then typed items (map, grant,
// capability). Untyped words are validated by the sender's decode; an item that cannot be honoured
// (unmapped source, no receive window, full quota) is skipped and reported in the tag.
#include "ipc/ipc.hh"
#include "ipc/fault.hh"
#include "cap/cspace.hh"
#include "object/domain.hh"
#include "mdb/mapdb.hh"
#include "object/space.hh"
#include "perfmon/perfmon.hh"

namespace kern::ipc {

namespace {

word get_mr(Thread *t, unsigned i) {
  if (t->kmsg) return i < 8 ? t->kmsg_mr[i] : 0;
  return i < arc::mr_in_regs ? t->frame()->mr(i) : t->utcb->mr[i];
}

void set_mr(Thread *t, unsigned i, word v) {
  if (t->kmsg) {
    if (i < 8) t->kmsg_mr[i] = v;
    return;
  }
  if (i < arc::mr_in_regs) t->frame()->set_mr(i, v);
  else t->utcb->mr[i] = v;
}

// Map or grant the send fpage of one item into the receiver's window; false if nothing could be
// done that was asked for.
bool map_item(Thread *snd, Thread *rcv, word w0, word w1) {
  const unsigned slog = arc::fpage_log2(w0);
  const word rights = arc::fpage_rights_of(w0);
  const bool grant = arc::item::kind(w1) == arc::item::grant;
  const word window = rcv->kmsg ? arc::fpage_all : rcv->utcb->rcv_window;
  const unsigned wlog = arc::fpage_log2(window);
  if (slog < 12 || slog > 32 || !window || wlog < 12 || wlog > 32) return false;
  const uint64_t ssize = uint64_t(1) << slog, wsize = uint64_t(1) << wlog;
  uint64_t sbase = arc::fpage_base(w0), wbase = arc::fpage_base(window);
  if (sbase & (ssize - 1) || wbase & (wsize - 1)) return false;
  const uint64_t hot = w1 & ~word(0xfff);
  uint64_t dst, size;
  if (slog <= wlog) {          // the whole send fpage lands inside the window
    dst = wbase + ((hot & (wsize - 1)) & ~(ssize - 1));
    size = ssize;
  } else {                     // only the window-sized part of the send fpage around the hot spot
    sbase += (hot & (ssize - 1)) & ~(wsize - 1);
    dst = wbase;
    size = wsize;
  }
  // Neither side may reach the UTCB area or the kernel.
  if (sbase >= arc::user_top || dst >= arc::user_top) return false;
  if (sbase + size > arc::user_top) size = arc::user_top - sbase;
  if (dst + size > arc::user_top) size = arc::user_top - dst;
  Space *from = snd->space, *to = rcv->space;
  if (!may_reach(from, to)) return false;   // memory never crosses between domains
  bool ok = true;
  const word end = word(sbase + size);
  // Sigma0 maps physical memory it has not touched yet: each frame enters the database as it
  // is passed on, as if sigma0 had touched it first (its fault rule, sigma0_enter). Handing out
  // the machine's RAM at boot this way costs no page fault per frame (it took 340 instructions a
  // page, a quarter of the boot). Any other space passes on only what it has mapped.
  const bool s0 = from->sigma0;
  // Page tables are made once per span they cover, not once a page (they are never freed
  // while the space lives); the first page of the loop finds none made yet.
  constexpr word span = arch::pd_prepare_span;
  word from_ready = 0, to_ready = 0;   // the span last prepared in each space, +1 (0: none)
  for (word va = s0 ? word(sbase) : arch::pd_next_mapped(from->pd, word(sbase), end); va < end;
       va = s0 ? va + page_size : arch::pd_next_mapped(from->pd, va + page_size, end)) {
    MapNode *n = nullptr;
    if (s0) {
      const bool ready = from_ready == va / span + 1;
      if (!ready && from->prepare(va)) from_ready = va / span + 1;
      n = sigma0_enter(from, va, from_ready == va / span + 1);
    }
    if (!n) n = mapdb.find(from, va);
    if (!n) continue;   // UTCB-like kernel-owned pages cannot be passed on
    word to_va = word(dst + (va - sbase));
    if (to_ready != to_va / span + 1) {
      if (!to->prepare(to_va)) return false;   // no quota for a page table: stop here
      to_ready = to_va / span + 1;
    }
    Status st = grant ? mapdb.grant(n, to, to_va, rights) : mapdb.map(n, to, to_va, rights);
    if (st != Status::ok) ok = false;
  }
  return ok;
}

bool cap_item(Thread *snd, Thread *rcv, word w0, word w1) {
  if (rcv->kmsg || !rcv->utcb->rcv_cap_slot) return false;
  if (!may_reach(snd->space, rcv->space)) return false;   // nor do capabilities
  Cap *src = snd->space->cspace.slot(w0);
  Cap *dst = rcv->space->cspace.slot(rcv->utcb->rcv_cap_slot);
  if (!src || src->empty() || !dst || !dst->empty()) return false;
  return cdt::derive(*src, *dst, w1 >> 8, false, 0) == Status::ok;
}

} // namespace

void transfer(Thread *snd, Thread *rcv, word badge, bool items_allowed) {
  arc::Tag tag(get_mr(snd, 0));
  const unsigned u = tag.untyped(), t = tag.typed();
  for (unsigned i = 1; i <= u + t; ++i) set_mr(rcv, i, get_mr(snd, i));
  word out = tag.raw & ~arc::tag_map_failed;
  if (t) {
    bool ok = items_allowed && snd->space && rcv->space;
    for (unsigned i = 0; ok && i + 1 < t; i += 2) {
      word w0 = get_mr(snd, 1 + u + i), w1 = get_mr(snd, 2 + u + i);
      switch (arc::item::kind(w1)) {
      case arc::item::map:
      case arc::item::grant: ok = map_item(snd, rcv, w0, w1); break;
      case arc::item::cap: ok = cap_item(snd, rcv, w0, w1); break;
      default: ok = false;
      }
    }
    if (!ok) out |= arc::tag_map_failed;
  }
  set_mr(rcv, 0, out);
  rcv->ipc_badge = badge;
  // Fault messages and their replies count as page faults / exceptions, not as IPC.
  if (!snd->kmsg) perf::count(snd->perf, arc::event::ipc_sent);
  if (!rcv->kmsg) perf::count(rcv->perf, arc::event::ipc_received);
}

} // namespace kern::ipc
