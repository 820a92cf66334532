#include "pl011.hh"

namespace serial {

namespace {
// Register offsets and bits (PL011 TRM, DDI 0183, 3.2-3.3).
enum : unsigned { dr = 0x000, fr = 0x018, imsc = 0x038, icr = 0x044 };
constexpr uint32_t fr_rxfe = 1u << 4, fr_txff = 1u << 5;
// RX: the receive FIFO reached its trigger level; RT: receive timeout, data waits in a FIFO
// below the trigger level. Both are needed, or a single typed key never raises an interrupt on
// real hardware (QEMU raises RX at the first byte).
constexpr uint32_t int_rx = 1u << 4, int_rt = 1u << 6;
} // namespace

void Pl011::Start() {
  Write(icr, int_rx | int_rt);
  Write(imsc, int_rx | int_rt);
}

bool Pl011::RxReady() { return !(Read(fr) & fr_rxfe); }
// Bits 8..11 are error flags. Reading the FIFO empty clears RX and RT (TRM 3.4.3, 3.4.4), so the
// server acknowledges the line after draining without clearing anything here; a write to ICR
// could throw away the timeout of a byte that arrived meanwhile.
uint8_t Pl011::Rx() { return uint8_t(Read(dr)); }

void Pl011::Tx(uint8_t c) {
  for (unsigned spin = 0; (Read(fr) & fr_txff) && spin < 100000; ++spin) {}
  Write(dr, c);
}

} // namespace serial
