// ARM PrimeCell PL011 UART, polled: the kernel console of the QEMU ARM boards.
#pragma once
#include "arch/cpu.hh"

namespace kern::arch {

struct Pl011 {
  word base = 0;
  void init() const {
    mmio_write(base + 0x030, 0);          // UARTCR off while we set it up
    mmio_write(base + 0x038, 0);          // no interrupts: the kernel console polls
    mmio_write(base + 0x02c, 0x70);       // 8N1, FIFOs
    mmio_write(base + 0x030, 0x301);      // UARTEN, TXE, RXE
  }
  void putc(char c) const {
    for (int i = 0; i < 100000 && (mmio_read(base + 0x018) & (1u << 5)); ++i) {}   // TXFF
    mmio_write(base + 0x000, uint8_t(c));
  }
};

} // namespace kern::arch
