// ARM PrimeCell PL011 UART (QEMU's virt and RealView boards). The kernel console already enabled
// it (8N1, FIFOs; kernel/arch/armv7/include/arch/dev/pl011.hh) and writes to it by polling; we
// add the receive interrupts.
#pragma once
#include "uart.hh"

namespace serial {

class Pl011 final : public Uart {
public:
  constexpr Pl011() = default;
  void Use(uintptr_t base) { base_ = base; }
  void Start() override;
  bool RxReady() override;
  uint8_t Rx() override;
  void Tx(uint8_t c) override;
  const char *Kind() const override { return "PL011"; }

private:
  uint32_t Read(unsigned off) { return *reinterpret_cast<volatile uint32_t *>(base_ + off); }
  void Write(unsigned off, uint32_t v) { *reinterpret_cast<volatile uint32_t *>(base_ + off) = v; }
  uintptr_t base_ = 0;
};

} // namespace serial
