// TI OMAP3530 (BeagleBoard): physical addresses. U-Boot loads the uImage at 0x80010000
// (tools/pack-image --uimage 0x80010000), 64 KiB into SDRAM, where the kernel is linked to run.
#pragma once
#include "lib/types.hh"

namespace kern::board {
constexpr word ram_base = 0x80000000;
constexpr word ram_size = 128u << 20;      // BeagleBoard rev B/C: 128 MiB (rev C4 256 MiB)
constexpr word uart3_phys = 0x49020000;    // the board's serial port (16550-compatible), IRQ 74
constexpr word intc_phys = 0x48200000;     // MPU interrupt controller (96 lines)
constexpr word gptimer2_phys = 0x49032000; // GPTIMER2, IRQ 38: the kernel's tick
constexpr word gptimer10_phys = 0x48086000; // GPTIMER10, IRQ 46: free-running fallback clock
constexpr word prm_global_phys = 0x48307200; // PRM's global registers (GLOBAL_REG_PRM), PRM_RSTCTRL
constexpr unsigned timer_khz = 32;         // GPTIMERs on the 32 kHz functional clock (U-Boot's)
constexpr unsigned cpu_mhz = 600;
} // namespace kern::board
