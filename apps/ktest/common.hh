// Helpers shared by several ktest files: an echo server and timeouts.
#pragma once
#include "ktest.hh"

namespace ktest {

constexpr word t_2s = arc::ipc::timeouts(2000, 2000);   // "forever" for tests that must not hang
constexpr word t_0 = arc::ipc::timeouts(0, 0);
constexpr word label_stop = 0xdead;

// An echo server: answers label L with label L + 1 and every untyped word plus one, until it
// gets label_stop (answered, then it returns). `ep` is the endpoint slot in the server's own
// cspace; the rest is what it saw.
struct Echo {
  CapSlot ep;
  volatile word calls;
  volatile word badge;
  volatile word label;
  volatile word untyped;
  volatile Status last;   // status of the receive that ended the loop
};

inline void echo_main(word arg) {
  Echo *e = reinterpret_cast<Echo *>(arg);
  arc::Utcb *ut = arc::utcb();
  word badge = 0;
  Status st = arc::recv(e->ep, &badge, t_2s);
  while (st == Status::ok) {
    arc::Tag t(ut->mr[0]);
    e->badge = badge;
    e->label = t.label();
    e->untyped = t.untyped();
    e->calls = e->calls + 1;
    if (t.label() == label_stop) {
      ut->mr[0] = arc::Tag(label_stop, 0, 0).raw;
      arc::reply();
      break;
    }
    for (unsigned i = 1; i <= t.untyped(); ++i) ut->mr[i] += 1;
    ut->mr[0] = arc::Tag(t.label() + 1, t.untyped(), 0).raw;
    st = arc::reply_wait(e->ep, &badge, t_2s);
  }
  e->last = st;
}

} // namespace ktest
