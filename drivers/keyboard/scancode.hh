// Scancode set 1 (what the i8042 delivers with translation on, QEMU's default) to ASCII, for a
// US layout. Pure functions: the host unit tests check them.
#pragma once
#include <stdint.h>

namespace kbd {

constexpr unsigned mod_shift = 1, mod_ctrl = 2, mod_alt = 4, mod_caps = 8;

// The translator's state: modifiers held, caps lock, and a pending 0xe0 prefix.
struct Decoder {
  unsigned mods = 0;
  bool extended = false;
};

struct Event {
  bool press;          // false: release (or a prefix / modifier change only)
  char ch;             // ASCII, 0 for keys without one
  uint32_t code;       // make code; 0xe000 | code for extended keys
};

inline char ascii_of(uint8_t make, unsigned mods) {
  static const char plain[0x3a] = {
      0,   27,  '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
      'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0,   'a', 's',
      'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0,   '\\', 'z', 'x', 'c', 'v',
      'b', 'n', 'm', ',', '.', '/', 0,   '*', 0,   ' '};
  static const char shifted[0x3a] = {
      0,   27,  '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
      'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0,   'A', 'S',
      'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0,   '|', 'Z', 'X', 'C', 'V',
      'B', 'N', 'M', '<', '>', '?', 0,   '*', 0,   ' '};
  if (make >= sizeof(plain)) return 0;
  char c = (mods & mod_shift) ? shifted[make] : plain[make];
  if ((mods & mod_caps) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c ^= 0x20;
  if ((mods & mod_ctrl) && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) c &= 0x1f;
  return c;
}

// Feeds one byte from the controller; returns the key event it completes (press == false for
// releases, prefixes and modifier keys).
inline Event decode(Decoder &d, uint8_t byte) {
  if (byte == 0xe0) {
    d.extended = true;
    return {false, 0, 0};
  }
  const bool ext = d.extended;
  d.extended = false;
  const bool release = byte & 0x80;
  const uint8_t make = byte & 0x7f;
  unsigned bit = 0;
  if (make == 0x2a || make == 0x36) bit = mod_shift;
  else if (make == 0x1d) bit = mod_ctrl;
  else if (make == 0x38) bit = mod_alt;
  if (bit) {
    if (release) d.mods &= ~bit;
    else d.mods |= bit;
    return {false, 0, ext ? 0xe000u | make : make};
  }
  if (make == 0x3a && !ext) {   // caps lock toggles on press
    if (!release) d.mods ^= mod_caps;
    return {false, 0, make};
  }
  if (release) return {false, 0, ext ? 0xe000u | make : make};
  if (ext) return {true, make == 0x1c ? '\n' : (make == 0x35 ? '/' : '\0'), 0xe000u | make};
  return {true, ascii_of(make, d.mods), make};
}

} // namespace kbd
