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

// Words 1..n of a message (the tag is written last, with the items' outcome). Each kind of end
// is handled once, not per word: a user thread's MR1 and MR2 are in its frame and the rest in
// its UTCB; a kernel message has 8 registers, words past them read as 0 and are dropped.
// Every page fault copies twice: its message to the pager, the pager's reply back.
constexpr unsigned kmsg_words = sizeof(Thread::kmsg_mr) / sizeof(word);
static_assert(arc::mr_in_regs == 3, "MR1 and MR2 in registers");
void copy_words(Thread *snd, Thread *rcv, unsigned n) {
  if (n == 0) return;
  if (snd->kmsg == rcv->kmsg) {
    if (!snd->kmsg) {   // user to user, the common case
      const arch::UserFrame *sf = snd->frame();
      arch::UserFrame *rf = rcv->frame();
      rf->set_mr(1, sf->mr(1));
      if (n >= 2) rf->set_mr(2, sf->mr(2));
      for (unsigned i = arc::mr_in_regs; i <= n; ++i) rcv->utcb->mr[i] = snd->utcb->mr[i];
      return;
    }
    for (unsigned i = 1; i <= n; ++i) set_mr(rcv, i, get_mr(snd, i));
    return;
  }
  if (snd->kmsg) {      // a fault or exception message to its user-level handler
    arch::UserFrame *rf = rcv->frame();
    rf->set_mr(1, snd->kmsg_mr[1]);
    if (n >= 2) rf->set_mr(2, snd->kmsg_mr[2]);
    for (unsigned i = arc::mr_in_regs; i <= n; ++i)
      rcv->utcb->mr[i] = i < kmsg_words ? snd->kmsg_mr[i] : 0;
    return;
  }
  // the handler's reply to a kernel message
  const arch::UserFrame *sf = snd->frame();
  rcv->kmsg_mr[1] = sf->mr(1);
  if (n >= 2) rcv->kmsg_mr[2] = sf->mr(2);
  const unsigned last = n < kmsg_words ? n : kmsg_words - 1;
  for (unsigned i = arc::mr_in_regs; i <= last; ++i) rcv->kmsg_mr[i] = snd->utcb->mr[i];
}

// 2^log - 1 for log in 12..32, in a word (2^32 does not fit one).
constexpr word low_mask(unsigned log) { return log >= 32 ? ~word(0) : (word(1) << log) - 1; }

// Map or grant the send fpage of one item into the receiver's window; false if nothing could be
// done that was asked for. In word arithmetic: an fpage may be the whole 4 GiB space, so sizes
// are kept as their last offset (size - 1), which always fits, and a base aligned to the size
// plus its last offset never wraps.
bool map_item(Thread *snd, Thread *rcv, word w0, word w1) {
  const unsigned slog = arc::fpage_log2(w0);
  const word rights = arc::fpage_rights_of(w0);
  const bool grant = arc::item::kind(w1) == arc::item::grant;
  const word window = rcv->kmsg ? arc::fpage_all : rcv->utcb->rcv_window;
  const unsigned wlog = arc::fpage_log2(window);
  if (slog < 12 || slog > 32 || !window || wlog < 12 || wlog > 32) return false;
  const word smask = low_mask(slog), wmask = low_mask(wlog);
  word sbase = arc::fpage_base(w0);
  const word wbase = arc::fpage_base(window);
  if ((sbase & smask) || (wbase & wmask)) return false;
  const word hot = w1 & ~word(0xfff);
  word dst, last;   // last: the size - 1 of what is passed on
  if (slog <= wlog) {          // the whole send fpage lands inside the window
    dst = wbase + (hot & wmask & ~smask);
    last = smask;
  } else {                     // only the window-sized part of the send fpage around the hot spot
    sbase += hot & smask & ~wmask;
    dst = wbase;
    last = wmask;
  }
  // Neither side may reach the UTCB area or the kernel.
  if (sbase >= arc::user_top || dst >= arc::user_top) return false;
  if (last > arc::user_top - 1 - sbase) last = arc::user_top - 1 - sbase;
  if (last > arc::user_top - 1 - dst) last = arc::user_top - 1 - dst;
  Space *from = snd->space, *to = rcv->space;
  if (!may_reach(from, to)) return false;   // memory never crosses between domains
  // One page, the common item (a pager's answers, a warm restart's working set): no walk.
  if (last == page_mask && !from->sigma0) {
    MapNode *n = mapdb.find(from, sbase);
    if (!n) return true;   // as the walk: nothing mapped there, nothing passed on
    if (!to->prepare(dst)) return false;
    return (grant ? mapdb.grant(n, to, dst, rights) : mapdb.map(n, to, dst, rights)) == Status::ok;
  }
  bool ok = true;
  const word end = sbase + last + 1;   // at most user_top: no wrap
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

// A page fault's or an exception's message to its handler, every time a thread faults: a
// kernel message has untyped words only (no items, so nothing else to decide), and its
// receiver is a user thread (a thread receives only outside kernel_call).
void deliver_kernel_message(Thread *snd, Thread *rcv, word badge) {
  const word tag = snd->kmsg_mr[0];
  const unsigned n = arc::Tag(tag).untyped();
  arch::UserFrame *rf = rcv->frame();
  rf->set_mr(0, tag & ~arc::tag_map_failed);
  rf->set_mr(1, snd->kmsg_mr[1]);
  if (n >= 2) rf->set_mr(2, snd->kmsg_mr[2]);
  for (unsigned i = arc::mr_in_regs; i <= n; ++i) rcv->utcb->mr[i] = snd->kmsg_mr[i];
  rcv->ipc_badge = badge;
  perf::count(rcv->perf, arc::event::ipc_received);
}

} // namespace

void transfer(Thread *snd, Thread *rcv, word badge, bool items_allowed) {
  if (snd->kmsg && !rcv->kmsg && arc::Tag(snd->kmsg_mr[0]).typed() == 0 &&
      arc::Tag(snd->kmsg_mr[0]).untyped() < kmsg_words)
    return deliver_kernel_message(snd, rcv, badge);
  arc::Tag tag(get_mr(snd, 0));
  const unsigned u = tag.untyped(), t = tag.typed();
  copy_words(snd, rcv, u + t);
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
