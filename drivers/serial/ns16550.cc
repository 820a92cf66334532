#include "ns16550.hh"

namespace serial {

namespace {
enum Reg : unsigned { rbr = 0, thr = 0, ier = 1, fcr = 2, mcr = 4, lsr = 5 };
constexpr uint8_t lsr_data = 0x01, lsr_thr_empty = 0x20;
constexpr uint8_t ier_rx = 0x01;
// MCR: DTR and RTS, and OUT2, which on a PC gates the UART's interrupt onto the PIC (other
// parts ignore it).
constexpr uint8_t mcr_dtr_rts_out2 = 0x0b;
// FIFOs on, interrupt at every byte; not cleared: bytes typed while the console was restarting
// wait in the receive FIFO and are read after Start().
constexpr uint8_t fcr_enable = 0x01;
} // namespace

void Ns16550::Start() {
  Write(fcr, fcr_enable);
  Write(mcr, mcr_dtr_rts_out2);
  Write(ier, ier_rx);
}

bool Ns16550::RxReady() { return Read(lsr) & lsr_data; }
uint8_t Ns16550::Rx() { return Read(rbr); }

void Ns16550::Tx(uint8_t c) {
  for (unsigned spin = 0; !(Read(lsr) & lsr_thr_empty) && spin < 100000; ++spin) {}
  Write(thr, c);
}

// Byte accesses: every register holds 8 bits, and byte accesses are what a part with registers
// 4 bytes apart (the OMAP3's) and one with packed registers both accept.
uint8_t Ns16550::Read(unsigned reg) {
  if (port_) return PortIn(uint16_t(port_ + reg));
  return *reinterpret_cast<volatile uint8_t *>(mmio_ + (reg << shift_));
}
void Ns16550::Write(unsigned reg, uint8_t v) {
  if (port_) return PortOut(uint16_t(port_ + reg), v);
  *reinterpret_cast<volatile uint8_t *>(mmio_ + (reg << shift_)) = v;
}

} // namespace serial
