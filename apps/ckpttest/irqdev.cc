// ckpt-irq NAME: a driver whose state is its interrupt count, in ordinary memory, for the
// checkpoint of a driver's interrupt association (apps/ckpttest/iface.hh; docs/restarts.md,
// "Checkpoint and restore"). The device is one the kernel does not use, as ktest's IRQ tests
// take: the CMOS RTC's periodic interrupt on the PC (8 Hz, ports 0x70-0x71, irq=8), the PL031
// RTC's alarm on the virt board (about once a second, mem=0x09010000-0x09011000, irq=2).
// `irq_detach` detaches the interrupt and crashes: its checkpoint's restore must attach it again.
#include "iface.hh"

#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>

#include <stdio.h>

using namespace arc;

namespace {
const char *g_name = "ckirq";
long g_count;        // interrupts handled: ordinary memory, what a checkpoint keeps
CapSlot g_irq;       // the IRQ capability (proc::Info's resource)

#if defined(__i386__)
void outb(unsigned short port, unsigned char v) { asm volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
unsigned char inb(unsigned short port) {
  unsigned char v;
  asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
  return v;
}
unsigned char cmos_read(unsigned char reg) {
  outb(0x70, 0x80 | reg);   // bit 7: NMI off while we talk to the RTC
  return inb(0x71);
}
void cmos_write(unsigned char reg, unsigned char v) {
  outb(0x70, 0x80 | reg);
  outb(0x71, v);
}
bool device_setup() {
  const proc::Resource *io = find_ports(0x70, 2);
  if (!io || ioport(IoOp::enable, io->slot) != Status::ok) return false;
  cmos_write(0x0a, (cmos_read(0x0a) & 0xf0) | 0x0d);   // rate 13: 8 Hz
  cmos_write(0x0b, cmos_read(0x0b) | 0x40);            // periodic interrupt on
  cmos_read(0x0c);
  return true;
}
void device_clear() { cmos_read(0x0c); }   // reading C lets the RTC interrupt again
#else
volatile word *g_rtc;
enum : word { dr = 0x00, mr = 0x04, imsc = 0x10, icr = 0x1c };
void alarm() {
  g_rtc[icr / 4] = 1;
  g_rtc[mr / 4] = g_rtc[dr / 4] + 1;   // the next second
}
bool device_setup() {
  const proc::Resource *m = find_resource(proc::Resource::mem);
  if (!m) return false;
  g_rtc = reinterpret_cast<volatile word *>(m->va);
  g_rtc[imsc / 4] = 0;
  alarm();
  g_rtc[imsc / 4] = 1;
  return true;
}
void device_clear() { alarm(); }
#endif
} // namespace

class CkptIrq : public ArcServer<CkptIrq> {
public:
  CkptIrq() : ArcServer(g_name) {}

  Status Initialize() {
    const proc::Resource *irq = find_resource(proc::Resource::irq);
    if (!irq || !device_setup()) {
      // Without them it serves, counting nothing: a process of the program without the
      // interrupt, into which a checkpoint of one with it must not be loaded (the migration).
      ::printf("[ckpt-irq] %s: no device or IRQ given: counting nothing\n", g_name);
      RegisterName(g_name);
      return Status::ok;
    }
    g_irq = irq->slot;
    if (Status st = AttachIrq(g_irq); st != Status::ok) {
      ::printf("[ckpt-irq] %s: cannot attach IRQ %lu: %s\n", g_name, irq->first, status_name(st));
      return st;
    }
    RegisterName(g_name);
    ::printf("[ckpt-irq] %s: ready on IRQ %lu\n", g_name, irq->first);
    return Status::ok;
  }
  // At a restore the device is as it is now, not as at the checkpoint: an interrupt it raised
  // while the process was being replaced went with the old handler, unacknowledged, and the
  // RTC raises no other until it is (the CMOS RTC: register C read; the PL031: cleared and armed
  // again). Without this the migration's ckirq stopped counting now and then.
  void Restored() {
    if (g_irq) device_clear();
  }
  Recovery Recover() { return Recovery::cold; }   // its state is ordinary memory: a restore's
  static constexpr auto Handlers() {
    return handler_table<CkptIrq>({
        {label::irq, 0, 1, &CkptIrq::Irq, "irq"},
        {ckpt::irq_count, 0, 0, &CkptIrq::Count, "irq_count"},
        {ckpt::irq_mark, 0, 0, &CkptIrq::Mark, "irq_mark"},
        {ckpt::irq_detach, 0, 0, &CkptIrq::Detach, "irq_detach"},
    });
  }

  Status Irq(const Request &, Reply &) {
    ++g_count;
    device_clear();
    irq_ctl(IrqOp::ack, g_irq);
    return Status::ok;
  }
  Status Count(const Request &, Reply &rep) {
    rep.put(word(g_count));
    return Status::ok;
  }
  Status Mark(const Request &, Reply &rep) {
    MarkRestorePoint();
    rep.put(word(g_count));
    return Status::ok;
  }
  Status Detach(const Request &req, Reply &rep) {
    if (!req.replayed) {
      ::printf("[ckpt-irq] %s: detaching its interrupt, then crashing\n", g_name);
      irq_ctl(IrqOp::detach, g_irq);
      *reinterpret_cast<volatile word *>(0x10) = 0;
    }
    rep.put(word(g_count));
    return Status::ok;
  }
};

int main(int argc, char **argv) {
  if (argc > 1) g_name = argv[1];
  static CkptIrq server;
  return server.Run();
}
