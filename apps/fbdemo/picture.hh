// The picture apps/fbdemo draws, described once: the demo draws it through the `fb` interface and
// the host check (tests/qemu/devices/check-fb.py) computes it pixel by pixel from the same
// figures, which it reads from this file. Keep the constants one per line, `constexpr ... = N;`.
#pragma once
#include <stdint.h>

namespace fbpic {
constexpr uint32_t width = 640;
constexpr uint32_t height = 480;
constexpr uint32_t background = 0x202040;
// Eight bars: bar i at x = bar_x0 + i * bar_step, y = bar_y, bar_w x bar_h, colour bar_colour[i].
constexpr uint32_t bar_x0 = 16;
constexpr uint32_t bar_step = 76;
constexpr uint32_t bar_y = 16;
constexpr uint32_t bar_w = 64;
constexpr uint32_t bar_h = 200;
constexpr uint32_t bar_colour[8] = {0xff0000, 0x00ff00, 0x0000ff, 0xffff00,
                                    0x00ffff, 0xff00ff, 0xffffff, 0x808080};
// A tile of tile x tile pixels, blitted at (tile_ax, tile_y) and (tile_bx, tile_y):
// pixel (x, y) = (2x & 0xff) << 16 | (2y & 0xff) << 8 | ((x ^ y) & 0xff).
constexpr uint32_t tile = 128;
constexpr uint32_t tile_ax = 40;
constexpr uint32_t tile_bx = 480;
constexpr uint32_t tile_y = 260;
inline uint32_t tile_pixel(uint32_t x, uint32_t y) {
  return ((2 * x) & 0xff) << 16 | ((2 * y) & 0xff) << 8 | ((x ^ y) & 0xff);
}
// An animated square, sq x sq, colour sq_colour, moving from (sq_x0, sq_y) by sq_step a frame for
// frames frames; each frame paints the old place with the background first. The picture ends
// with it at sq_x0 + (frames - 1) * sq_step.
constexpr uint32_t sq = 32;
constexpr uint32_t sq_colour = 0xffa000;
constexpr uint32_t sq_x0 = 200;
constexpr uint32_t sq_y = 300;
constexpr uint32_t sq_step = 8;
constexpr uint32_t frames = 20;
} // namespace fbpic
