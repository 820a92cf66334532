// QEMU virt's interrupt source for the IRQ tests: the PL031 RTC's alarm (SPI 2 = line 2). Its
// resolution is a second, so the first interrupt may take that long; the interrupt is a level
// that stays up until cleared, which is what `clear` leaves alone (the next one is "at once").
// The kernel's timer is line 0 (the generic timer).
#include "ktest.hh"

namespace ktest {
namespace {
constexpr word rtc_phys = 0x09010000;
word rtc;
volatile word &reg(word off) { return *reinterpret_cast<volatile word *>(rtc + off); }
enum : word { dr = 0x00, mr = 0x04, imsc = 0x10, icr = 0x1c };

bool setup() {
  if (!rtc) rtc = map_device_page(rtc_phys);
  return rtc != 0;
}
void start() {
  reg(imsc) = 0;
  reg(icr) = 1;
  reg(mr) = reg(dr) + 1;
  reg(imsc) = 1;
}
void clear() {}
void stop() {
  reg(imsc) = 0;
  reg(icr) = 1;
}
} // namespace

const IrqSource irq_source = {0, 2, 2500, setup, start, clear, stop};

} // namespace ktest
