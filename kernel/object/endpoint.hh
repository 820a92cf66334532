// An endpoint is a rendezvous point for synchronous IPC: threads that want to send queue on it
// until a receiver comes, and receivers queue until a sender comes. Interrupts attached to it
// wait here as pending notifications while nobody is receiving.
#pragma once
#include "object/thread.hh"

namespace kern {

class Irq;

class Endpoint : public Kobject {
public:
  static constexpr ObjType tag = ObjType::endpoint;

  [[nodiscard]] static Endpoint *create(Factory *f);
  void destroy();

  Queue<Thread, &Thread::sched_link> senders;
  Irq *pending_irqs = nullptr;     // raised interrupts not yet delivered (singly linked)
  Queue<Thread, &Thread::sched_link> receivers;
  // The space of the thread that last took a message from it: whom a thread blocked sending
  // here waits for (thread_ctl info; the HA deadlock worker's edges). An endpoint has no owner;
  // the server that receives from it is the best the kernel can say.
  word served_by = 0;

  // No sender waits and no interrupt is pending: a receiver would block. The IPC fast path's
  // test, as one OR of two words.
  bool nothing_to_receive() const {
    return (reinterpret_cast<word>(senders.front()) | reinterpret_cast<word>(pending_irqs)) == 0;
  }

private:
  explicit Endpoint(Factory *f) : Kobject(tag, f) {}
};

} // namespace kern
