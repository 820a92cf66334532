// BeagleBoard's interrupt source for the IRQ tests: GPTIMER3 (IRQ 39), overflowing every ~10 ms
// on the 32 kHz clock. The kernel's timer is GPTIMER2 (line 38). Not run yet (no hardware), and
// lines of 32 and up are past irq_lines (the kernel's IRQ table has 32 entries), so IRQ0001..3
// fail on this board until that table grows.
#include "ktest.hh"

namespace ktest {
namespace {
constexpr word gptimer3_phys = 0x49034000;
word timer;
volatile word &reg(word off) { return *reinterpret_cast<volatile word *>(timer + off); }
enum : word { tisr = 0x18, tier = 0x1c, tclr = 0x24, tcrr = 0x28, tldr = 0x2c };

bool setup() {
  if (!timer) timer = map_device_page(gptimer3_phys);
  return timer != 0;
}
void start() {
  reg(tclr) = 0;
  reg(tldr) = ~0u - 320 + 1;
  reg(tcrr) = ~0u - 320 + 1;
  reg(tisr) = 0x7;
  reg(tier) = 0x2;
  reg(tclr) = 0x3;
}
void clear() { reg(tisr) = 0x2; }
void stop() {
  reg(tclr) = 0;
  reg(tier) = 0;
  reg(tisr) = 0x7;
}
} // namespace

const IrqSource irq_source = {38, 39, 1000, setup, start, clear, stop};

} // namespace ktest
