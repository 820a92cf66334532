// A RIFF WAVE file's PCM format and samples, found in memory (no allocation, no copies). Only
// uncompressed PCM (format tag 1) is taken: what a Sound Blaster plays as it is.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace wav {

struct Pcm {
  uint32_t rate, bits, channels;
  const uint8_t *data;
  uint32_t bytes;   // whole frames only
};

inline uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | uint32_t(p[3]) << 24; }
inline uint32_t le16(const uint8_t *p) { return p[0] | p[1] << 8; }

// False, with *why, for anything but a well-formed PCM file; chunks other than "fmt " and
// "data" are skipped, sizes are checked against the file.
inline bool parse(const uint8_t *file, size_t size, Pcm *out, const char **why) {
  if (size < 12 || memcmp(file, "RIFF", 4) || memcmp(file + 8, "WAVE", 4)) {
    *why = "not a RIFF WAVE file";
    return false;
  }
  bool have_fmt = false;
  for (size_t at = 12; at + 8 <= size;) {
    const uint8_t *c = file + at;
    const uint32_t n = le32(c + 4);
    if (n > size - at - 8) {
      *why = "a chunk runs past the end of the file";
      return false;
    }
    if (!memcmp(c, "fmt ", 4)) {
      if (n < 16 || le16(c + 8) != 1) {
        *why = "not PCM";
        return false;
      }
      out->channels = le16(c + 10);
      out->rate = le32(c + 12);
      out->bits = le16(c + 22);
      have_fmt = true;
    } else if (!memcmp(c, "data", 4)) {
      if (!have_fmt) {
        *why = "data before its format";
        return false;
      }
      const uint32_t frame = out->channels * out->bits / 8;
      if (!frame) {
        *why = "no channels or no bits";
        return false;
      }
      out->data = c + 8;
      out->bytes = n - n % frame;
      return true;
    }
    at += 8 + n + (n & 1);   // chunks are padded to an even size
  }
  *why = "no data chunk";
  return false;
}

} // namespace wav
