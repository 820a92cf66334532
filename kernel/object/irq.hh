// Interrupts as IPC. An Irq object owns one interrupt line; attached to an endpoint, each
// interrupt becomes a message (label::irq, MR1 = line, badge = the IRQ capability's badge) to a
// thread receiving there. The line stays masked until the handler acknowledges it.
#pragma once
#include "object/kobject.hh"

namespace kern {

class Endpoint;

class Irq : public Kobject {
public:
  static constexpr ObjType tag = ObjType::irq;

  // Whether user level may own `line`: invalid_arg past the board's lines, busy when the kernel
  // (its timer) or another Irq object has it, else ok. The system call checks this first.
  static Status line_status(unsigned line);
  // The owner of a line that line_status() found ok; null when f's quota or the pool is spent.
  [[nodiscard]] static Irq *create(Factory *f, unsigned line);
  void destroy();

  void attach(Endpoint *ep, word badge);
  void detach();
  void ack();

  unsigned line;
  Endpoint *ep = nullptr;
  word badge = 0;
  bool pending = false;
  Irq *pend_next = nullptr;

private:
  Irq(Factory *f, unsigned l) : Kobject(tag, f), line(l) {}
};

// Singleton objects for the capabilities that stand for hardware resources.
class IrqControl : public Kobject {
public:
  static constexpr ObjType tag = ObjType::irq_control;
  IrqControl() : Kobject(tag, nullptr) {}
};
class IoPorts : public Kobject {
public:
  static constexpr ObjType tag = ObjType::ioports;
  IoPorts() : Kobject(tag, nullptr) {}
};
extern IrqControl irq_control;
extern IoPorts io_ports;

// Called by the architecture's trap code for a device interrupt.
void irq_raise(unsigned line);
// An endpoint takes a pending interrupt off its list (null if none).
Irq *irq_take_pending(Endpoint *ep);
// An endpoint is being destroyed: detach the interrupts attached to it.
void irq_endpoint_gone(Endpoint *ep);

} // namespace kern
