// The PC's ISA DMA controllers (two 8237s): channels 0-3 move bytes (ports 0x00-0x0f), channels
// 5-7 move 16-bit words (ports 0xc0-0xdf); the page registers (0x81-0x8b) give the address bits
// above the controller's 16-bit counter. A channel reaches a buffer below 16 MiB that stays
// inside one 64 KiB page (128 KiB for word channels): the counter wraps instead of carrying into
// the page register. The root task's dma= buffers satisfy both.
#pragma once
#include <pc/io.hh>
#include <stdint.h>

namespace isa_dma {

struct Channel {
  uint8_t number;   // 0-3 or 5-7
  bool wide() const { return number >= 4; }
  uint8_t low() const { return number & 3; }
  uint16_t mask_port() const { return wide() ? 0xd4 : 0x0a; }
  uint16_t mode_port() const { return wide() ? 0xd6 : 0x0b; }
  uint16_t flip_flop_port() const { return wide() ? 0xd8 : 0x0c; }
  uint16_t addr_port() const { return wide() ? uint16_t(0xc0 + low() * 4) : uint16_t(low() * 2); }
  uint16_t count_port() const { return uint16_t(addr_port() + (wide() ? 2 : 1)); }
  uint16_t page_port() const {
    static const uint8_t pages[8] = {0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a};
    return pages[number & 7];
  }
};

// Mode register: single transfers, auto-initialise (the controller starts over at the end of the
// buffer: the card plays the ring for ever), memory to device ("read"), addresses increasing.
constexpr uint8_t mode_single = 0x40, mode_auto = 0x10, mode_read = 0x08;

inline void mask(Channel c) { pc::outb(c.mask_port(), uint8_t(0x04 | c.low())); }
inline void unmask(Channel c) { pc::outb(c.mask_port(), c.low()); }

// Plays [phys, phys + bytes) for ever, from its start. Word channels count words, and take the
// address in words too (bit 16 of a byte address comes from the page register).
inline void program(Channel c, uint32_t phys, uint32_t bytes) {
  const uint32_t unit = c.wide() ? 2 : 1;
  const uint32_t addr = (phys / unit) & 0xffff, count = bytes / unit - 1;
  mask(c);
  pc::outb(c.flip_flop_port(), 0);   // any write resets the low/high flip-flop
  pc::outb(c.mode_port(), uint8_t(mode_single | mode_auto | mode_read | c.low()));
  pc::outb(c.addr_port(), uint8_t(addr));
  pc::outb(c.addr_port(), uint8_t(addr >> 8));
  pc::outb(c.count_port(), uint8_t(count));
  pc::outb(c.count_port(), uint8_t(count >> 8));
  pc::outb(c.page_port(), uint8_t(phys >> 16));
  unmask(c);
}

// The offset in [phys, phys + bytes) of the next byte the channel will move: the current address
// register, read low byte then high byte. The device may move data between the two reads, so
// the value is read until two reads agree.
inline uint32_t position(Channel c, uint32_t phys, uint32_t bytes) {
  const uint32_t unit = c.wide() ? 2 : 1;
  uint32_t last = ~0u;
  for (int tries = 0; tries < 8; ++tries) {
    pc::outb(c.flip_flop_port(), 0);
    const uint32_t lo = pc::inb(c.addr_port());
    const uint32_t hi = pc::inb(c.addr_port());
    const uint32_t now = lo | (hi << 8);
    if (now == last) break;
    last = now;
  }
  const uint32_t off = ((last - (phys / unit)) & 0xffff) * unit;
  return off >= bytes ? off - bytes : off;   // at the very end: the wrap to the start
}

} // namespace isa_dma
