// The keyboard's blocked readers: a persistent ring of deferred read_key requests. Each entry
// remembers its request's sequence number (a replayed read that is already queued is not queued
// twice) and the key it was given (`given`: the key's number + 1, 0 before), so that a crash
// between taking a key for a reader and answering it neither loses the key nor gives it twice.
// Push and pop each commit with one word.
#pragma once
#include <arc/server.hh>

#include "intake.hh"

namespace kbd {

struct Reader {
  arc::Deferred d;
  arc::word seq;    // the read_key request's Request::seq
  arc::word given;  // key number + 1 once a key is this reader's
  Key key;          // that key
};

constexpr arc::word reader_slots = 4;

struct Readers {
  Reader ring[reader_slots];
  arc::word head, tail;   // [tail, head)
  arc::word last_answered;   // seq of the last reader answered (a replay of it is not queued)

  arc::word count() const { return head - tail; }
  bool plausible() const { return count() <= reader_slots; }
  Reader *front() { return count() ? &ring[tail % reader_slots] : nullptr; }
  bool queued(arc::word seq) const {
    for (arc::word i = tail; i != head; ++i)
      if (ring[i % reader_slots].seq == seq) return true;
    return seq != 0 && seq == last_answered;
  }
  bool push(const arc::Deferred &d, arc::word seq) {
    if (count() >= reader_slots) return false;
    ring[head % reader_slots] = Reader{d, seq, 0, {}};
    ++head;   // the commit
    return true;
  }
  void pop() {
    last_answered = ring[tail % reader_slots].seq;
    ++tail;   // the commit
  }
  // A full ring makes room by dropping readers at its front whose callers gave up.
  bool make_room() {
    while (count() >= reader_slots) {
      Reader &r = ring[tail % reader_slots];
      if (r.given || !arc::release_abandoned(r.d)) return false;
      pop();
    }
    return true;
  }
};

} // namespace kbd
