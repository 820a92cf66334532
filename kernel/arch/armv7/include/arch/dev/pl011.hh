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
  // Once the transmit FIFO is empty (UARTFR.TXFE), 16 bytes fit without another look: the
  // depth of the smallest PL011 FIFO (r1p4; r1p5 has 32). FIFOs are on (init, LCR_H.FEN).
  // A round sends at most 15 characters and one place more for each newline's '\r' (the round
  // ends that much sooner), so it never writes more than 16.
  void write(const char *s, word n) const {
    volatile uint32_t *const dr = reinterpret_cast<volatile uint32_t *>(base);
    const char *const end = s + n;
    while (s < end) {
      for (int i = 0; i < 100000 && !(mmio_read(base + 0x018) & (1u << 7)); ++i) {}   // TXFE
      const char *stop = end - s < 15 ? end : s + 15;
      while (s < stop) {
        const char c = *s++;
        if (c == '\n') {
          *dr = '\r';
          --stop;
        }
        *dr = uint8_t(c);
      }
    }
  }
};

} // namespace kern::arch
