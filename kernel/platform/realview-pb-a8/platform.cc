// RealView PB-A8: PL011 console, the board's GIC, SP804 timer 0 at 1 kHz for the kernel tick
// (timer 1 runs free as the fallback cycle clock), semihosting SYS_EXIT_EXTENDED to end a run.
//
// Interrupt lines are the GIC's SPIs: line n is GIC ID 32+n (4 SP804 0/1 = the kernel's timer,
// 5 SP804 2/3, 10 PL031 RTC, 12..15 UARTs ...).
#include "platform/platform.hh"
#include "arch/board_hooks.hh"
#include "arch/cpu.hh"
#include "arch/dev/gic.hh"
#include "arch/dev/pl011.hh"
#include "arch/dev/sp804.hh"
#include "arch/mmu.hh"

namespace kern::platform {

const unsigned timer_irq = 4;
const unsigned irq_lines = 32;
const word tick_ms = 1;
const char *const board_name = "realview-pb-a8";

extern "C" const word board_ram_size = board::ram_size;   // for boot.S

namespace {
arch::Pl011 uart;
arch::Gic gic;
arch::Sp804 tick_timer, free_timer;
uint32_t free_last, free_hi;

unsigned id_of(unsigned line) { return 32 + line; }
} // namespace

void init_console() {
  uart.base = arch::map_device(board::uart_phys, 0x1000);
  uart.init();
}

void console_putc(char c) { uart.putc(c); }

void init() {
  gic.cpu = arch::map_device(board::gicc_phys, 0x1000);
  gic.dist = arch::map_device(board::gicd_phys, 0x1000);
  gic.init();
  const word t = arch::map_device(board::timer01_phys, 0x1000);
  tick_timer.base = t;
  free_timer.base = t + 0x20;
  free_timer.start_free_running();
  tick_timer.start_periodic(board::timer_mhz * 1000 * tick_ms);
  irq_unmask(timer_irq);
}

int irq_next() {
  const unsigned id = gic.ack();
  if (id >= 1020) return -1;
  if (id >= 32 && id < 32 + irq_lines) return int(id - 32);
  gic.eoi(id);
  return -1;
}

bool irq_begin(unsigned line) {
  if (line == timer_irq) tick_timer.clear();
  return true;
}

void irq_end(unsigned line) { gic.eoi(id_of(line)); }
void irq_mask(unsigned line) { gic.mask(id_of(line)); }
void irq_unmask(unsigned line) { gic.unmask(id_of(line)); }

uint64_t board_cycles() {
  if (!free_timer.base) return 0;
  const uint32_t up = ~free_timer.value();   // counts down from ~0
  if (up < free_last) ++free_hi;
  free_last = up;
  return ((uint64_t(free_hi) << 32) | up) * (board::cpu_mhz / board::timer_mhz);
}

// No reset line is driven here yet (a PSCI call or the board's reset controller would do it).
bool reset_system() { return false; }

void halt_system(word status) { arch::semihosting_exit(status); }

} // namespace kern::platform
