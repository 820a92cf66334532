// QEMU's realview-pb-a8 (qemu-system-arm -M realview-pb-a8, Cortex-A8): physical addresses. RAM
// is at 0x70000000 (aliased at 0), where QEMU loads the kernel.
#pragma once
#include "lib/types.hh"

namespace kern::board {
constexpr word ram_base = 0x70000000;
constexpr word ram_size = 256u << 20;      // what tools/qemu-run.py gives it (-m 256M)
constexpr word sysctl_phys = 0x10000000;   // status and system control registers (SYS_*)
constexpr word uart_phys = 0x10009000;     // PL011 UART0, SPI 12
constexpr word gicc_phys = 0x1e000000;     // realview GIC: CPU interface ...
constexpr word gicd_phys = 0x1e001000;     // ... and distributor
constexpr word timer01_phys = 0x10011000;  // SP804 timers 0/1, SPI 4 (timer 2/3: 0x10012000, SPI 5)
constexpr unsigned timer_mhz = 1;          // SP804 clock
constexpr unsigned cpu_mhz = 600;          // nominal, for cycles from the SP804 when the PMU is mute
} // namespace kern::board
