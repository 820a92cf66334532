// The Sound Blaster 16's digital sound processor, at base 0x220 (facts from Creative's "Sound
// Blaster Series Hardware Programming Guide"): reset through 0x226, commands and their argument
// bytes written to 0x22c once its bit 7 reads clear, data read from 0x22a once 0x22e's bit 7 is
// set. Reading 0x22e acknowledges an 8-bit transfer's interrupt, 0x22f a 16-bit one's.
#pragma once
#include <pc/io.hh>
#include <stdint.h>

namespace dsp {

constexpr uint16_t base = 0x220, port_count = 16;
constexpr uint16_t reset_port = base + 0x6, read_port = base + 0xa, write_port = base + 0xc,
                   read_status = base + 0xe, ack16_port = base + 0xf;
constexpr uint8_t reset_ready = 0xaa;

enum Command : uint8_t {
  set_output_rate = 0x41,     // rate high byte, low byte (5000..44100 Hz)
  out16_auto = 0xb6,          // 16-bit output, auto-initialised, FIFO on; mode, count low, high
  out8_auto = 0xc6,           // 8-bit output, the same
  pause8 = 0xd0,
  speaker_on = 0xd1,
  speaker_off = 0xd3,
  pause16 = 0xd5,
  exit_auto16 = 0xd9,         // end 16-bit auto-init output at the end of the block
  exit_auto8 = 0xda,
  version = 0xe1,             // -> major, minor
};
// Mode byte of out16_auto/out8_auto.
constexpr uint8_t mode_signed = 0x10, mode_stereo = 0x20;

// Bounded waits: a card that never answers must not hang the driver.
inline bool write(uint8_t v) {
  for (int i = 0; i < 100000; ++i)
    if (!(pc::inb(write_port) & 0x80)) {
      pc::outb(write_port, v);
      return true;
    }
  return false;
}
inline int read() {
  for (int i = 0; i < 100000; ++i)
    if (pc::inb(read_status) & 0x80) return pc::inb(read_port);
  return -1;
}

// Reset: 1 to the reset port, at least 3 us, 0, then the DSP says 0xaa.
inline bool reset() {
  pc::outb(reset_port, 1);
  for (int i = 0; i < 16; ++i) (void)pc::inb(read_status);   // about a microsecond each
  pc::outb(reset_port, 0);
  for (int tries = 0; tries < 16; ++tries)
    if (read() == reset_ready) return true;
  return false;
}

inline void ack(bool sixteen) { (void)pc::inb(sixteen ? ack16_port : read_status); }

} // namespace dsp
