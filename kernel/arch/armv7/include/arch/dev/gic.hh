// ARM Generic Interrupt Controller (GICv1/v2 distributor and CPU interface), as on QEMU's virt and
// RealView boards. Every interrupt goes to CPU 0, all at one priority, level-sensitive.
#pragma once
#include "arch/cpu.hh"

namespace kern::arch {

struct Gic {
  word dist = 0, cpu = 0;   // virtual addresses of the two register blocks

  static constexpr unsigned spurious = 1023;

  void init() const {
    mmio_write(dist + 0x000, 0);                              // GICD_CTLR off
    const unsigned lines = ((mmio_read(dist + 0x004) & 0x1f) + 1) * 32;
    for (unsigned i = 0; i < lines; i += 32) mmio_write(dist + 0x180 + i / 8, ~0u);   // ICENABLER
    for (unsigned i = 0; i < lines; i += 32) mmio_write(dist + 0x280 + i / 8, ~0u);   // ICPENDR
    for (unsigned i = 0; i < lines; i += 4) mmio_write(dist + 0x400 + i, 0xa0a0a0a0); // priority
    for (unsigned i = 32; i < lines; i += 4) mmio_write(dist + 0x800 + i, 0x01010101); // CPU 0
    for (unsigned i = 32; i < lines; i += 16) mmio_write(dist + 0xc00 + i / 4, 0);    // level
    mmio_write(dist + 0x000, 1);
    mmio_write(cpu + 0x004, 0xf0);                            // GICC_PMR: let all through
    mmio_write(cpu + 0x000, 1);                               // GICC_CTLR
  }
  unsigned ack() const { return mmio_read(cpu + 0x00c) & 0x3ff; }        // GICC_IAR
  void eoi(unsigned id) const { mmio_write(cpu + 0x010, id); }           // GICC_EOIR
  void mask(unsigned id) const { mmio_write(dist + 0x180 + (id / 32) * 4, 1u << (id % 32)); }
  void unmask(unsigned id) const { mmio_write(dist + 0x100 + (id / 32) * 4, 1u << (id % 32)); }
};

} // namespace kern::arch
