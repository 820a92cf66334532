// RealView PB-A8's interrupt source for the IRQ tests: the second SP804 (timers 2/3, SPI 5 =
// line 5), timer 2 periodic every 10 ms. The kernel's timer is the first SP804 (line 4).
#include "ktest.hh"

namespace ktest {
namespace {
constexpr word timer23_phys = 0x10012000;
word timer;
volatile word &reg(word off) { return *reinterpret_cast<volatile word *>(timer + off); }
enum : word { load = 0x00, control = 0x08, intclr = 0x0c };

bool setup() {
  if (!timer) timer = map_device_page(timer23_phys);
  return timer != 0;
}
void start() {
  reg(control) = 0;
  reg(load) = 10000;   // 1 MHz clock: 10 ms
  reg(intclr) = 1;
  reg(control) = 0xe2; // enabled, periodic, interrupt enabled, 32 bits
}
void clear() { reg(intclr) = 1; }
void stop() {
  reg(control) = 0;
  reg(intclr) = 1;
}
} // namespace

const IrqSource irq_source = {4, 5, 1000, setup, start, clear, stop};

} // namespace ktest
