// The keyboard's blocked readers: a persistent ring of deferred read_key requests. Each entry
// remembers its request's sequence number (a replayed read that is already queued is not queued
// twice) and the key it was given (`given`: the key's number + 1, 0 before), so that a crash
// between taking a key for a reader and answering it neither loses the key nor gives it twice.
// Push and pop each commit with one word. Making room (readers whose callers gave up leave a
// full ring) writes the compacted ring into a second copy and commits by switching to it; an
// entry released before a crash and still in the ring has no reply right and no key, and is
// passed over.
#pragma once
#include <arc/server.hh>

#include "intake.hh"

namespace kbd {

struct Reader {
  arc::Deferred d;
  arc::word seq;    // the read_key request's Request::seq
  arc::word given;  // key number + 1 once a key is this reader's
  Key key;          // that key
  bool empty() const { return !given && !d.pending(); }   // released: nobody to answer
};

constexpr arc::word reader_slots = 4;

struct ReaderRing {
  Reader item[reader_slots];
  arc::word head, tail;   // [tail, head)
};

struct Readers {
  ReaderRing ring[2];
  arc::word sel;             // which ring is committed
  arc::word last_answered;   // seq of the last reader answered (a replay of it is not queued)

  ReaderRing &now() { return ring[sel & 1]; }
  const ReaderRing &now() const { return ring[sel & 1]; }
  arc::word count() const { return now().head - now().tail; }
  bool plausible() const { return sel <= 1 && count() <= reader_slots; }
  Reader *front() { return count() ? &now().item[now().tail % reader_slots] : nullptr; }
  bool queued(arc::word seq) const {
    for (arc::word i = now().tail; i != now().head; ++i)
      if (now().item[i % reader_slots].seq == seq) return true;
    return seq != 0 && seq == last_answered;
  }
  bool push(const arc::Deferred &d, arc::word seq) {
    if (count() >= reader_slots) return false;
    ReaderRing &r = now();
    r.item[r.head % reader_slots] = Reader{d, seq, 0, {}};
    ++r.head;   // the commit
    return true;
  }
  void pop() {
    ReaderRing &r = now();
    last_answered = r.item[r.tail % reader_slots].seq;
    ++r.tail;   // the commit
  }
  // A full ring makes room by dropping the readers whose callers gave up (never the front one
  // once it has a key). True when there is room.
  bool make_room() {
    if (count() < reader_slots) return true;
    ReaderRing &r = now(), &next = ring[(sel & 1) ^ 1];
    next = ReaderRing{};
    for (arc::word i = r.tail; i != r.head; ++i) {
      Reader &e = r.item[i % reader_slots];
      if (!e.given) arc::release_abandoned(e.d);   // (clears e.d when its caller is gone)
      if (!e.empty()) next.item[next.head++] = e;
    }
    sel = (sel & 1) ^ 1;   // the commit
    return count() < reader_slots;
  }
};

} // namespace kbd
