// QEMU virt: PL011 console, GICv2, the ARM generic timer (virtual timer, PPI 27) at 1 kHz,
// semihosting SYS_EXIT_EXTENDED to end a run with a status and PSCI SYSTEM_RESET to reboot.
//
// Interrupt lines: line 0 is the kernel timer (GIC ID 27); line n (1..31) is SPI n (GIC ID 32+n):
// 1 UART, 2 PL031 RTC, 3..6 PCIe, 7 GPIO, 16.. virtio-mmio.
#include "platform/platform.hh"
#include "arch/board_hooks.hh"
#include "arch/cpu.hh"
#include "arch/dev/gic.hh"
#include "arch/dev/pl011.hh"
#include "arch/mmu.hh"
#include "psci.hh"

namespace kern::platform {

// Every device of the board lies below the end of RAM's frame table: no aperture.
const word device_aperture_base = 0, device_aperture_size = 0;

const unsigned timer_irq = 0;
const unsigned irq_lines = 32;
const word tick_ms = 1;
const char *const board_name = "qemu-virt";

extern "C" const word board_ram_size = board::ram_size;   // for boot.S

namespace {
arch::Pl011 uart;
arch::Gic gic;
uint32_t timer_period, timer_freq;
constexpr unsigned vtimer_id = 27;

unsigned id_of(unsigned line) { return line == timer_irq ? vtimer_id : 32 + line; }
void timer_reload() { ARC_CP15_WRITE(c14, 0, c3, 0, timer_period); }   // CNTV_TVAL
} // namespace

void init_console() {
  uart.base = arch::map_device(board::uart_phys, 0x1000);
  uart.init();
}

void console_putc(char c) { uart.putc(c); }
void console_write(const char *s, word n) { uart.write(s, n); }

void init() {
  gic.dist = arch::map_device(board::gicd_phys, 0x1000);
  gic.cpu = arch::map_device(board::gicc_phys, 0x1000);
  gic.init();
  timer_freq = ARC_CP15_READ(c14, 0, c0, 0);               // CNTFRQ
  timer_period = timer_freq / (1000 / tick_ms);
  timer_reload();
  ARC_CP15_WRITE(c14, 0, c3, 1, 1);                          // CNTV_CTL: enabled, unmasked
  // User level may read the virtual count (CNTKCTL.PL0VCTEN; read-only, a clock like any other):
  // apps/bench measures with it, as rdtsc on the PC.
  ARC_CP15_WRITE(c14, 0, c1, 0, 1u << 1);
  irq_unmask(timer_irq);
}

int irq_next() {
  const unsigned id = gic.ack();
  if (id >= 1020) return -1;
  if (id == vtimer_id) return int(timer_irq);
  if (id > 32 && id < 32 + irq_lines) return int(id - 32);
  gic.eoi(id);   // not one of our lines
  return -1;
}

bool irq_begin(unsigned line) {
  if (line == timer_irq) timer_reload();   // deasserts the (level) timer interrupt
  return true;
}

void irq_end(unsigned line) { gic.eoi(id_of(line)); }
void irq_mask(unsigned line) { gic.mask(id_of(line)); }
void irq_unmask(unsigned line) { gic.unmask(id_of(line)); }

uint64_t board_cycles() {
  uint32_t lo, hi;
  asm volatile("mrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));   // CNTVCT
  const uint64_t t = (uint64_t(hi) << 32) | lo;
  return timer_freq ? t * (1000000000ull / timer_freq) : t;        // nominal 1 GHz
}

// The machine has no reset register of its own: QEMU's PSCI firmware interface resets it (and,
// booted with -kernel, loads the kernel image with its modules again). A successful call does not
// return: QEMU powers this CPU off until the reset.
bool reset_system() {
  psci::system_reset();
  return false;
}

void halt_system(word status) { arch::semihosting_exit(status); }

} // namespace kern::platform
