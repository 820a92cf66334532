// A 16550-compatible UART: the PC's COM ports (I/O ports), or memory-mapped with its registers
// 1 << shift bytes apart (the OMAP3's UART1-3: 4 bytes). Only the registers every compatible
// part has are used: RBR/THR, IER, FCR, MCR, LSR.
#pragma once
#include "uart.hh"

namespace serial {

class Ns16550 final : public Uart {
public:
  constexpr Ns16550() = default;
  void UsePorts(uint16_t base) { port_ = base; mmio_ = 0; }
  void UseMmio(uintptr_t base, unsigned shift) { mmio_ = base; shift_ = shift; port_ = 0; }

  void Start() override;
  bool RxReady() override;
  uint8_t Rx() override;
  void Tx(uint8_t c) override;
  const char *Kind() const override { return port_ ? "16550 (I/O ports)" : "16550 (MMIO)"; }

  // port_io_<arch>.cc: only the PC has I/O ports.
  static bool PortsAvailable();

private:
  uint8_t Read(unsigned reg);
  void Write(unsigned reg, uint8_t v);
  static uint8_t PortIn(uint16_t port);
  static void PortOut(uint16_t port, uint8_t v);

  uint16_t port_ = 0;
  uintptr_t mmio_ = 0;
  unsigned shift_ = 0;
};

} // namespace serial
