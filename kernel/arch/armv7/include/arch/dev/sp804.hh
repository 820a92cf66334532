// ARM SP804 dual timer (RealView): channel 1 (+0x00) and channel 2 (+0x20), counting down.
#pragma once
#include "arch/cpu.hh"

namespace kern::arch {

struct Sp804 {
  word base = 0;   // of one channel
  static constexpr uint32_t enable = 1u << 7, periodic = 1u << 6, irq_enable = 1u << 5,
                            bits32 = 1u << 1;
  void start_periodic(uint32_t load) const {
    mmio_write(base + 0x08, 0);
    mmio_write(base + 0x00, load);
    mmio_write(base + 0x0c, 1);
    mmio_write(base + 0x08, enable | periodic | irq_enable | bits32);
  }
  void start_free_running() const {
    mmio_write(base + 0x08, 0);
    mmio_write(base + 0x00, ~0u);
    mmio_write(base + 0x08, enable | bits32);
  }
  uint32_t value() const { return mmio_read(base + 0x04); }
  void clear() const { mmio_write(base + 0x0c, 1); }
};

} // namespace kern::arch
