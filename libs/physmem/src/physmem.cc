// The physical page table. Each operation validates everything first and only then changes the
// table, so a refused call changes nothing.
#include "physmem/physmem.hh"

namespace physmem {

const char *describe(Error e) {
  switch (e) {
  case Error::ok: return "ok";
  case Error::out_of_range: return "frame outside the table";
  case Error::absent: return "no memory at that frame";
  case Error::reserved: return "frame is reserved";
  case Error::not_free: return "frame is not free";
  case Error::not_allocated: return "frame is not allocated";
  case Error::not_holder: return "task does not hold the frame";
  case Error::bad_owner: return "bad owner";
  case Error::no_memory: return "out of memory";
  case Error::no_share_slots: return "share records exhausted";
  case Error::too_many_holders: return "too many holders";
  case Error::bad_region: return "bad region";
  }
  return "?";
}

void Table::set_state(Entry &x, State s) {
  auto count = [&](State st, Kind k, int d) {
    switch (st) {
    case State::absent: tot.absent += d; break;
    case State::free: tot.free += d; break;
    case State::reserved:
      tot.reserved += d;
      tot.reserved_by[unsigned(k)] += d;
      break;
    case State::allocated: tot.allocated += d; break;
    case State::shared: tot.shared += d; break;
    }
  };
  count(x.state, x.kind, -1);
  x.state = s;
  count(x.state, x.kind, 1);
}

Error Table::init(Entry *entries, uint32_t nframes, Frame first, const Region *regions,
                  unsigned nregions, Share *shares, unsigned nshares) {
  for (unsigned i = 0; i < nregions; ++i) {
    if (unsigned(regions[i].kind) >= kinds) return Error::bad_region;
    if (regions[i].base + regions[i].size < regions[i].base) return Error::bad_region;
  }
  if (uint64_t(first) + nframes > (1ull << 32)) return Error::bad_region;
  e = entries;
  n = nframes;
  first_ = first;
  sh = shares;
  nsh = nshares;
  cursor = 0;
  reserve_begin = reserve_end = 0;
  tot = Totals{};
  tot.frames = n;
  tot.absent = n;
  for (uint32_t i = 0; i < n; ++i) e[i] = Entry{0, 0, State::absent, Kind::ram};
  for (unsigned i = 0; i < nsh; ++i) sh[i] = Share{0, 0, 0};
  const uint64_t lo = first, hi = uint64_t(first) + n;
  for (int pass = 0; pass < 2; ++pass) {
    for (unsigned i = 0; i < nregions; ++i) {
      const Region &r = regions[i];
      const bool ram = r.kind == Kind::ram;
      if (ram != (pass == 0)) continue;
      uint64_t a, b;  // frames [a, b)
      if (ram) {
        a = (r.base + frame_size - 1) / frame_size;
        b = (r.base + r.size) / frame_size;
      } else {
        a = r.base / frame_size;
        b = (r.base + r.size + frame_size - 1) / frame_size;
      }
      if (a < lo) a = lo;
      if (b > hi) b = hi;
      if (ram) {
        // Counted once per region, not per frame: the root task's table covers every frame of
        // the machine at boot (65,536 on a 256 MiB PC), and this loop was 3.4 M instructions.
        uint32_t freed = 0;
        for (uint64_t f = a; f < b; ++f) {
          Entry &x = e[f - lo];
          if (x.state != State::absent) continue;
          x.state = State::free;
          ++freed;
        }
        tot.absent -= freed;
        tot.free += freed;
        continue;
      }
      for (uint64_t f = a; f < b; ++f) {
        Entry &x = e[f - lo];
        set_state(x, State::absent);  // uncount what it was, then count it reserved
        x.kind = r.kind;
        set_state(x, State::reserved);
      }
    }
  }
  return Error::ok;
}

Entry *Table::at(Frame f, Error *err) {
  if (f < first_ || f - first_ >= n) {
    *err = Error::out_of_range;
    return nullptr;
  }
  return &e[f - first_];
}

const Entry *Table::entry(Frame f) const {
  if (f < first_ || f - first_ >= n) return nullptr;
  return &e[f - first_];
}

Share *Table::find_share(Frame f, Owner holder) const {
  for (unsigned i = 0; i < nsh; ++i)
    if (sh[i].holder == holder && sh[i].frame == f) return &sh[i];
  return nullptr;
}

Share *Table::first_share(Frame f) const {
  for (unsigned i = 0; i < nsh; ++i)
    if (sh[i].holder && sh[i].frame == f) return &sh[i];
  return nullptr;
}

void Table::take(Entry &x, Owner owner) {
  x.owner = owner;
  x.holders = 1;
  set_state(x, State::allocated);
}

Error Table::alloc(Owner owner, Frame *out) {
  if (!owner) return Error::bad_owner;
  if (!tot.free) return Error::no_memory;
  // First pass outside the reserve, second pass anywhere.
  for (int pass = 0; pass < 2; ++pass)
    for (uint32_t k = 0; k < n; ++k) {
      const uint32_t i = (cursor + k) % n;
      if (e[i].state != State::free) continue;
      if (!pass && first_ + i >= reserve_begin && first_ + i < reserve_end) continue;
      take(e[i], owner);
      cursor = (i + 1) % n;
      *out = first_ + i;
      return Error::ok;
    }
  return Error::no_memory;  // unreachable while the totals are right
}

Error Table::alloc_run(Owner owner, uint32_t count, uint32_t align, Frame limit, Frame *out) {
  if (!owner) return Error::bad_owner;
  if (!count || !align || (align & (align - 1))) return Error::bad_region;
  if (limit > first_ + n) limit = first_ + n;
  // Candidates are the aligned frames at or after the table's first; a run is taken only when
  // every frame of it is free, so nothing changes until the whole run is found.
  uint64_t f = (uint64_t(first_) + align - 1) & ~uint64_t(align - 1);
  for (; f + count <= limit; f += align) {
    uint32_t k = 0;
    while (k < count && e[f + k - first_].state == State::free) ++k;
    if (k < count) continue;
    for (k = 0; k < count; ++k) take(e[f + k - first_], owner);
    *out = Frame(f);
    return Error::ok;
  }
  return Error::no_memory;
}

Error Table::alloc_block(Owner owner, uint32_t count, Frame *out) {
  if (!owner) return Error::bad_owner;
  if (!count || (count & (count - 1))) return Error::bad_region;
  if (tot.free < count) return Error::no_memory;
  // Candidates: the aligned frames of the table, from the cursor's on, once around.
  const uint64_t lo = (uint64_t(first_) + count - 1) & ~uint64_t(count - 1);
  if (lo + count > uint64_t(first_) + n) return Error::no_memory;
  const uint32_t candidates = uint32_t((uint64_t(first_) + n - lo) / count);
  const uint64_t at = (uint64_t(first_) + cursor + count - 1) & ~uint64_t(count - 1);
  const uint32_t start = at >= lo ? uint32_t((at - lo) / count) % candidates : 0;
  for (uint32_t c = 0; c < candidates; ++c) {
    const uint64_t f = lo + uint64_t((start + c) % candidates) * count;
    if (f + count > reserve_begin && f < reserve_end) continue;
    uint32_t k = 0;
    while (k < count && e[f + k - first_].state == State::free) ++k;
    if (k < count) continue;
    for (k = 0; k < count; ++k) take(e[f + k - first_], owner);
    cursor = uint32_t(f + count - first_) % n;
    *out = Frame(f);
    return Error::ok;
  }
  return Error::no_memory;
}

Error Table::alloc_at(Frame f, Owner owner) {
  if (!owner) return Error::bad_owner;
  Error err = Error::ok;
  Entry *x = at(f, &err);
  if (!x) return err;
  switch (x->state) {
  case State::free: take(*x, owner); return Error::ok;
  case State::absent: return Error::absent;
  case State::reserved: return Error::reserved;
  default: return Error::not_free;
  }
}

Error Table::share(Frame f, Owner holder) {
  if (!holder) return Error::bad_owner;
  Error err = Error::ok;
  Entry *x = at(f, &err);
  if (!x) return err;
  if (x->state == State::absent) return Error::absent;
  if (x->state == State::reserved) return Error::reserved;
  if (x->state == State::free) return Error::not_allocated;
  if (x->holders == max_holders) return Error::too_many_holders;
  Share *s = find_share(f, holder);
  if (!s) {
    s = find_share(0, 0);  // a free slot
    if (!s) return Error::no_share_slots;
    *s = Share{f, holder, 0};
    ++tot.share_slots_used;
  }
  ++s->count;
  ++x->holders;
  if (x->state == State::allocated) set_state(*x, State::shared);
  return Error::ok;
}

Error Table::release(Frame f, Owner holder) {
  if (!holder) return Error::bad_owner;
  Error err = Error::ok;
  Entry *x = at(f, &err);
  if (!x) return err;
  if (x->state == State::absent) return Error::absent;
  if (x->state == State::reserved) return Error::reserved;
  if (x->state == State::free) return Error::not_allocated;
  Share *s = find_share(f, holder);
  if (!s && x->owner != holder) return Error::not_holder;

  if (s) {  // an extra hold goes first
    if (!--s->count) {
      *s = Share{0, 0, 0};
      --tot.share_slots_used;
    }
  } else if (Share *next = first_share(f)) {  // the owner goes; the next holder takes over
    x->owner = next->holder;
    if (!--next->count) {
      *next = Share{0, 0, 0};
      --tot.share_slots_used;
    }
  }
  if (--x->holders == 0) {
    x->owner = 0;
    set_state(*x, State::free);
  } else if (x->holders == 1) {
    set_state(*x, State::allocated);
  }
  return Error::ok;
}

uint32_t Table::free_all(Owner owner) {
  if (!owner) return 0;
  const uint32_t before = tot.free;
  for (unsigned i = 0; i < nsh; ++i)
    while (sh[i].holder == owner) release(sh[i].frame, owner);
  for (uint32_t i = 0; i < n; ++i) {
    while ((e[i].state == State::allocated || e[i].state == State::shared) && e[i].owner == owner)
      release(first_ + i, owner);
  }
  return tot.free - before;
}

Usage Table::usage(Owner owner) const {
  Usage u{};
  if (!owner) return u;
  for (uint32_t i = 0; i < n; ++i) {
    if ((e[i].state == State::allocated || e[i].state == State::shared) && e[i].owner == owner) {
      ++u.owned;
      if (e[i].state == State::shared) ++u.shared_owned;
    }
  }
  for (unsigned i = 0; i < nsh; ++i) {
    if (sh[i].holder != owner) continue;
    const Entry *x = entry(sh[i].frame);
    if (x && x->owner != owner) ++u.held;
  }
  return u;
}

uint32_t Table::holds(Frame f, Owner holder) const {
  const Entry *x = entry(f);
  if (!x || !holder || !(x->state == State::allocated || x->state == State::shared)) return 0;
  const Share *s = find_share(f, holder);
  return (x->owner == holder ? 1 : 0) + (s ? s->count : 0);
}

bool Table::check() const {
  Totals t{};
  t.frames = n;
  for (uint32_t i = 0; i < n; ++i) {
    const Entry &x = e[i];
    uint32_t extra = 0;
    for (unsigned k = 0; k < nsh; ++k)
      if (sh[k].holder && sh[k].frame == first_ + i) extra += sh[k].count;
    switch (x.state) {
    case State::absent: ++t.absent; break;
    case State::free: ++t.free; break;
    case State::reserved:
      ++t.reserved;
      if (x.kind == Kind::ram || unsigned(x.kind) >= kinds) return false;
      ++t.reserved_by[unsigned(x.kind)];
      break;
    case State::allocated: ++t.allocated; break;
    case State::shared: ++t.shared; break;
    default: return false;
    }
    const bool held = x.state == State::allocated || x.state == State::shared;
    if (held) {
      if (!x.owner || x.holders != 1 + extra) return false;
      if ((x.state == State::shared) != (x.holders > 1)) return false;
    } else if (x.owner || x.holders || extra) {
      return false;
    }
  }
  for (unsigned k = 0; k < nsh; ++k) {
    if (!sh[k].holder) {
      if (sh[k].frame || sh[k].count) return false;
      continue;
    }
    ++t.share_slots_used;
    if (!sh[k].count || !entry(sh[k].frame)) return false;
    for (unsigned j = 0; j < k; ++j)
      if (sh[j].holder == sh[k].holder && sh[j].frame == sh[k].frame) return false;
  }
  const Totals &a = tot;
  for (unsigned k = 0; k < kinds; ++k)
    if (a.reserved_by[k] != t.reserved_by[k]) return false;
  return a.frames == t.frames && a.absent == t.absent && a.free == t.free &&
         a.reserved == t.reserved && a.allocated == t.allocated && a.shared == t.shared &&
         a.share_slots_used == t.share_slots_used;
}

} // namespace physmem
