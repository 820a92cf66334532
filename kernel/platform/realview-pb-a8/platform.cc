// RealView PB-A8: PL011 console, the board's GIC, SP804 timer 0 at 1 kHz for the kernel tick
// (timer 1 runs free as the fallback cycle clock), semihosting SYS_EXIT_EXTENDED to end a run,
// the system controller's reset register to reboot.
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

// Every device of the board lies below the end of RAM's frame table: no aperture.
const word device_aperture_base = 0, device_aperture_size = 0;

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
word sysctl;   // the status and system control registers

// Status and system control registers of the RealView boards (SYS_LOCK, SYS_RESETCTL).
enum : word { sys_lock = 0x20, sys_resetctl = 0x40 };
constexpr uint32_t lock_key = 0xa05f;         // SYS_LOCK: unlocks the lockable registers
constexpr uint32_t reset_poreset = 0x4;       // SYS_RESETCTL level 0b100: power-on reset

unsigned id_of(unsigned line) { return 32 + line; }
} // namespace

void init_console() {
  uart.base = arch::map_device(board::uart_phys, 0x1000);
  uart.init();
}

void console_putc(char c) { uart.putc(c); }
void console_write(const char *s, word n) { uart.write(s, n); }

void init() {
  // Mapped now: devices can be mapped during boot only (the section is the UART's anyway).
  sysctl = arch::map_device(board::sysctl_phys, 0x1000);
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

// The board's FPGA resets the system when a reset level is written to SYS_RESETCTL, which is
// locked: SYS_LOCK must hold the key first. Writing 0, then the level gives the controller a
// change to act on (Linux's PB-A8 code does the same). The level differs between RealView boards:
// on the PB-A8 (and PBX) it is 0x4, the power-on reset; QEMU's arm_sysctl model resets a PB-A8
// (board id 0x178) on bit 2 exactly (it wants bit 8 on the PB926, and ignores the register on
// the EB). Booted with -kernel, QEMU then loads the kernel image with its modules again.
bool reset_system() {
  if (!sysctl) return false;
  arch::mmio_write(sysctl + sys_lock, lock_key);
  arch::mmio_write(sysctl + sys_resetctl, 0);
  arch::mmio_write(sysctl + sys_resetctl, reset_poreset);
  arch::dsb();
  // The reset is not instantaneous (QEMU acts at its next main-loop turn): give it time.
  for (int spin = 0; spin < 10000000; ++spin) asm volatile("nop");
  arch::mmio_write(sysctl + sys_lock, 0);   // still here: lock the registers again
  return false;
}

void halt_system(word status) { arch::semihosting_exit(status); }

} // namespace kern::platform
