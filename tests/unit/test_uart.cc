// The console's UART back-ends (drivers/serial) against simulated register files: which register
// each operation touches at which offset, for the OMAP3's 16550 with registers 4 bytes apart, a
// packed 16550 and the PL011. The QEMU boards exercise only the PL011; the BeagleBoard's UART3 is
// checked here.
#include <catch2/catch.hpp>

#include "ns16550.hh"
#include "pl011.hh"

#include <cstdint>
#include <cstring>
#include <vector>

using serial::Ns16550;
using serial::Pl011;

namespace {
// 16550 register numbers and bits.
constexpr unsigned rbr_thr = 0, ier = 1, fcr = 2, mcr = 4, lsr = 5;
constexpr uint8_t lsr_data = 0x01, lsr_thre = 0x20;
} // namespace

TEST_CASE("UART0001 16550 with registers 4 bytes apart (OMAP3 UART3)", "[uart]") {
  alignas(4) uint8_t regs[0x40];
  memset(regs, 0xee, sizeof regs);
  Ns16550 u;
  u.UseMmio(reinterpret_cast<uintptr_t>(regs), 2);
  CHECK(std::string(u.Kind()) == "16550 (MMIO)");

  u.Start();
  CHECK(regs[fcr << 2] == 0x01);   // FIFOs on, not cleared (input typed meanwhile is kept)
  CHECK(regs[mcr << 2] == 0x0b);   // DTR, RTS, OUT2
  CHECK(regs[ier << 2] == 0x01);   // receive interrupt only
  // Nothing between the strided registers was written.
  for (unsigned off = 0; off < sizeof regs; ++off)
    if (off % 4) CHECK(regs[off] == 0xee);

  regs[lsr << 2] = 0;
  CHECK_FALSE(u.RxReady());
  regs[lsr << 2] = lsr_data;
  regs[rbr_thr << 2] = 'k';
  CHECK(u.RxReady());
  CHECK(u.Rx() == 'k');

  regs[lsr << 2] = lsr_thre;
  u.Tx('z');
  CHECK(regs[rbr_thr << 2] == 'z');
}

TEST_CASE("UART0002 packed 16550 and a transmitter that never empties", "[uart]") {
  uint8_t regs[8] = {};
  Ns16550 u;
  u.UseMmio(reinterpret_cast<uintptr_t>(regs), 0);
  u.Start();
  CHECK(regs[fcr] == 0x01);
  CHECK(regs[ier] == 0x01);
  regs[lsr] = 0;   // THR never empty: Tx gives up after its bound and still writes
  u.Tx('q');
  CHECK(regs[rbr_thr] == 'q');
  regs[lsr] = lsr_data;
  regs[rbr_thr] = '\r';
  CHECK(u.Rx() == '\r');
}

TEST_CASE("UART0003 PL011: receive interrupts, FIFO flags, data register", "[uart]") {
  alignas(4) uint32_t regs[0x50 / 4] = {};
  Pl011 u;
  u.Use(reinterpret_cast<uintptr_t>(regs));
  CHECK(std::string(u.Kind()) == "PL011");
  u.Start();
  CHECK(regs[0x038 / 4] == ((1u << 4) | (1u << 6)));   // IMSC: RX and receive timeout
  CHECK(regs[0x044 / 4] == ((1u << 4) | (1u << 6)));   // ICR: stale ones cleared first

  regs[0x018 / 4] = 1u << 4;   // FR.RXFE: receive FIFO empty
  CHECK_FALSE(u.RxReady());
  regs[0x018 / 4] = 0;
  regs[0x000 / 4] = 0x400 | 'a';   // an overrun flag above the byte
  CHECK(u.RxReady());
  CHECK(u.Rx() == 'a');

  u.Tx('b');
  CHECK(regs[0x000 / 4] == 'b');
}
