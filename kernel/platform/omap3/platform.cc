// OMAP3 (BeagleBoard): UART3 console (polled 16550), the INTC, GPTIMER2 at ~1 kHz for the tick and
// GPTIMER10 free-running as the fallback cycle clock. There is no emulator to leave: halting
// stops the CPU; rebooting is the PRM's software reset. Built only: this board has not been run
// (no QEMU model, no test hardware).
//
// Interrupt lines are the INTC's numbers, all 96 of them (UART3, the console, is 74); the tick
// (38, GPTIMER2) is the kernel's own.
#include "platform/platform.hh"
#include "arch/board_hooks.hh"
#include "arch/cpu.hh"
#include "arch/mmu.hh"

namespace kern::platform {

// Every device of the board lies below the end of RAM's frame table: no aperture.
const word device_aperture_base = 0, device_aperture_size = 0;

const unsigned timer_irq = 38;   // GPTIMER2
const unsigned irq_lines = 96;
const word tick_ms = 1;
const char *const board_name = "omap3";

extern "C" const word board_ram_size = board::ram_size;   // for boot.S

namespace {
using arch::mmio_read;
using arch::mmio_write;
word uart, intc, tick_timer, free_timer, prm_global;
uint32_t free_last, free_hi;

// GPTIMER registers (OMAP35x TRM 16.3).
enum : word { tisr = 0x18, tier = 0x1c, tclr = 0x24, tcrr = 0x28, tldr = 0x2c, twps = 0x34 };
// PRM_RSTCTRL (OMAP35x TRM, PRM global registers, offset 0x50 of GLOBAL_REG_PRM): bit 1 RST_GS
// requests a global software (warm) reset, bit 2 RST_DPLL3 a global software reset through
// DPLL3; both bits clear themselves. We use RST_DPLL3, as Linux does on OMAP3, whose code calls
// it the recommended way to restart the SoC in view of erratum i520 (RST_GS is what old U-Boots
// wrote).
constexpr word prm_rstctrl = 0x50;
constexpr uint32_t rst_dpll3 = 1u << 2;

void timer_write(word t, word reg, uint32_t v) {
  while (mmio_read(t + twps)) {}   // posted writes pending
  mmio_write(t + reg, v);
}
} // namespace

void init_console() {
  uart = arch::map_device(board::uart3_phys, 0x1000);   // U-Boot set the baud rate
}

void console_putc(char c) {
  for (int i = 0; i < 100000 && !(mmio_read(uart + 0x14) & 0x20); ++i) {}   // LSR.THRE
  mmio_write(uart + 0x00, uint8_t(c));
}

// U-Boot's UART set-up is kept, FIFO or not: a byte at a time, each after THRE.
void console_write(const char *s, word n) {
  for (word i = 0; i < n; ++i) {
    if (s[i] == '\n') console_putc('\r');
    console_putc(s[i]);
  }
}

void init() {
  intc = arch::map_device(board::intc_phys, 0x1000);
  mmio_write(intc + 0x10, 0x2);                          // SYSCONFIG: soft reset
  while (!(mmio_read(intc + 0x14) & 1)) {}               // SYSSTATUS: reset done
  for (unsigned i = 0; i < 3; ++i) mmio_write(intc + 0x8c + i * 0x20, ~0u);   // MIR_SET: all masked
  tick_timer = arch::map_device(board::gptimer2_phys, 0x1000);
  free_timer = arch::map_device(board::gptimer10_phys, 0x1000);
  prm_global = arch::map_device(board::prm_global_phys, 0x100);   // for reset_system, later
  // Auto-reload overflow timers: 32 ticks of 32 kHz ~ 1 ms.
  timer_write(tick_timer, tclr, 0);
  timer_write(tick_timer, tldr, ~0u - board::timer_khz * tick_ms + 1);
  timer_write(tick_timer, tcrr, ~0u - board::timer_khz * tick_ms + 1);
  timer_write(tick_timer, tier, 0x2);                    // overflow interrupt
  timer_write(tick_timer, tclr, 0x3);                    // start, auto-reload
  timer_write(free_timer, tclr, 0);
  timer_write(free_timer, tldr, 0);
  timer_write(free_timer, tcrr, 0);
  timer_write(free_timer, tclr, 0x3);
  irq_unmask(timer_irq);
}

int irq_next() {
  const uint32_t sir = mmio_read(intc + 0x40);           // INTC_SIR_IRQ
  if (sir & 0xffffff80) {                                // spurious
    mmio_write(intc + 0x48, 1);
    return -1;
  }
  return int(sir & 0x7f);
}

bool irq_begin(unsigned line) {
  if (line == timer_irq) timer_write(tick_timer, tisr, 0x2);
  return true;
}

void irq_end(unsigned) {
  mmio_write(intc + 0x48, 1);                            // CONTROL.NEWIRQAGR
  arch::dsb();
}
void irq_mask(unsigned line) { mmio_write(intc + 0x8c + (line / 32) * 0x20, 1u << (line % 32)); }
void irq_unmask(unsigned line) { mmio_write(intc + 0x88 + (line / 32) * 0x20, 1u << (line % 32)); }

uint64_t board_cycles() {
  if (!free_timer) return 0;
  const uint32_t now = mmio_read(free_timer + tcrr);
  if (now < free_last) ++free_hi;
  free_last = now;
  return ((uint64_t(free_hi) << 32) | now) * (board::cpu_mhz * 1000 / board::timer_khz);
}

// The SoC resets itself, and the boot ROM starts over (MLO, U-Boot, boot.scr: Arc boots again
// from the card). Written from the TRM, not tried on a board (docs/beagleboard.md).
bool reset_system() {
  if (!prm_global) return false;
  mmio_write(prm_global + prm_rstctrl, rst_dpll3);
  (void)mmio_read(prm_global + prm_rstctrl);   // the write has reached the PRM
  for (int spin = 0; spin < 10000000; ++spin) asm volatile("nop");
  return false;
}

void halt_system(word status) {
  (void)status;
  asm volatile("cpsid if");
  for (;;) asm volatile("wfi");
}

} // namespace kern::platform
