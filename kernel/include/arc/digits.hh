// Number formatting shared by the kernel's console (kernel/lib/console.cc) and the user
// library's printf (libs/arc/src/print.cc), which cannot link against each other.
#pragma once
#include <stdint.h>

namespace arc {

// The text of v in base 10 or 16, at least `width` characters (padded with `pad`, '-' in front
// when `neg`), written into out *last character first*; returns its length (at most 24 when
// width <= 24). Hex by shifts, decimal by 32-bit division by the constant 10 (a multiplication)
// once the value fits: a 64-bit division by a variable base is a library call per digit on ARM,
// and the monitor prints its log lines inside restarts the benchmarks time.
inline int format_reversed(char out[24], unsigned long long v, unsigned base, int width, char pad,
                           bool neg) {
  int i = 0;
  if (base == 16) {
    do { out[i++] = "0123456789abcdef"[v & 15]; v >>= 4; } while (v);
  } else {
    for (; v >> 32; v /= 10) out[i++] = char('0' + v % 10);
    uint32_t w = uint32_t(v);
    do { out[i++] = char('0' + w % 10); w /= 10; } while (w);
  }
  if (neg) out[i++] = '-';
  while (i < width && i < 24) out[i++] = pad;
  return i;
}

} // namespace arc
