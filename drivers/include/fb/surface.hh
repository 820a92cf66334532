// The drawing half of an `fb` server (arc/iface/fb.hh), the same for every device: a surface of
// 32-bit pixels (0x00RRGGBB), row after row with no padding, and the two requests that write it.
// Each sets pixels to given values, so a replay after a crash in its middle (arc::fault_step()
// before each row) ends with the same screen as one run. Where the surface lives and how the mode
// is set is the device's (drivers/vbe: device memory; drivers/pl111: RAM the controller scans).
#pragma once
#include <arc/iface/fb.hh>
#include <arc/server.hh>
#include <arc/session.hh>

#include <stdint.h>

namespace fbdraw {

using arc::word;

struct Surface {
  volatile uint32_t *base = nullptr;
  word width = 0, height = 0;   // 0: no mode yet

  // A rectangle of at least one pixel, wholly inside the mode (written to avoid overflow).
  bool Inside(word x, word y, word w, word h) const {
    return width && w && h && x < width && y < height && w <= width - x && h <= height - y;
  }
  volatile uint32_t *Row(word y) const { return base + y * width; }

  // fill: MR1 x, MR2 y, MR3 width, MR4 height, MR5 colour. Adds the pixels set to *drawn.
  arc::Status Fill(const arc::Request &req, word *drawn) const {
    const word x = req.arg(1), y = req.arg(2), w = req.arg(3), h = req.arg(4);
    if (!Inside(x, y, w, h)) return arc::Status::invalid_arg;
    const uint32_t colour = uint32_t(req.arg(5));
    for (word row = 0; row < h; ++row) {
      arc::fault_step();   // an injected fault may strike with the rectangle half drawn
      volatile uint32_t *p = Row(y + row) + x;
      for (word i = 0; i < w; ++i) p[i] = colour;
    }
    *drawn += w * h;
    return arc::Status::ok;
  }

  // blit: MR1 session id, MR2 offset in its area, MR3 x, MR4 y, MR5 width, MR6 height.
  arc::Status Blit(const arc::Request &req, arc::SessionTable &sessions, word *drawn) const {
    const word x = req.arg(3), y = req.arg(4), w = req.arg(5), h = req.arg(6), off = req.arg(2);
    if (!Inside(x, y, w, h)) return arc::Status::invalid_arg;
    const arc::SessionEntry *s = sessions.Find(req.badge, req.arg(1));
    // The client's pixels, all inside its own area (no overflow: w, h are bounded by the mode).
    if (!s || off > s->bytes || w * h * 4 > s->bytes - off) return arc::Status::invalid_arg;
    const uint32_t *src =
        reinterpret_cast<const uint32_t *>(static_cast<const char *>(s->data()) + off);
    for (word row = 0; row < h; ++row) {
      arc::fault_step();
      volatile uint32_t *p = Row(y + row) + x;
      for (word i = 0; i < w; ++i) p[i] = src[row * w + i];
    }
    *drawn += w * h;
    return arc::Status::ok;
  }
};

} // namespace fbdraw
