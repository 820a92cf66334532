// QEMU's `virt` machine (qemu-system-arm -M virt -cpu cortex-a15 -m 256M): physical addresses.
#pragma once
#include "lib/types.hh"

namespace kern::board {
constexpr word ram_base = 0x40000000;
constexpr word ram_size = 256u << 20;      // what tools/qemu-run.py gives it (-m 256M)
constexpr word uart_phys = 0x09000000;     // PL011, SPI 1
constexpr word gicd_phys = 0x08000000;     // GICv2 distributor
constexpr word gicc_phys = 0x08010000;     // GICv2 CPU interface
} // namespace kern::board
