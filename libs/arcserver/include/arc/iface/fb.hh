// Interface `fb`: a linear framebuffer of 32-bit pixels (0x00RRGGBB) (drivers/vbe: QEMU's standard
// VGA in Bochs DISPI mode on the PC; drivers/pl111: the PL111 CLCD of realview-pb-a8).
//
//   set_mode  MR1 width, MR2 height (32 bits per pixel)   -> MR2 pitch in bytes
//   info      (none)                                      -> MR2 width, MR3 height, MR4 pitch,
//                                                            MR5 mode sets, MR6 pixels drawn
//   fill      MR1 x, MR2 y, MR3 width, MR4 height, MR5 colour
//   blit      MR1 session id, MR2 offset in its area, MR3 x, MR4 y, MR5 width, MR6 height: the
//             area holds width * height pixels, row after row
//   text      MR1 stream position, MR2 length (<= 128), MR3.. the bytes: printable ASCII or '\n'
//             -> MR2 the stream's end. A text console of 8x16 cells over the mode, drawn with the
//             drivers' built-in font (drivers/include/fb/text.hh); bytes before the end are
//             skipped, so a request replayed or sent again draws nothing twice
//
// A rectangle must lie inside the mode (invalid_arg otherwise); a blit's pixels inside the
// client's session area. Every request is idempotent (it sets pixels to given values), so a
// request replayed after a restart of the driver in its middle leaves the screen as if it had run
// once. The mode, and what is on the screen, survive hot and warm restarts: the screen lives in
// device memory (vbe) or in the driver's DMA buffer (pl111), the mode in the device and in the
// driver's persistent memory. Registered as
// "fb".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>
#include <arc/session.hh>

namespace arc::fb {

enum Label : word { set_mode = 0xa00, info = 0xa01, fill = 0xa02, blit = 0xa03, text = 0xa04 };
constexpr const char *service_name = "fb";
constexpr word max_width = 1024, max_height = 768;
constexpr word max_text = 128;   // bytes of text in one `text` request

template <class S> constexpr auto handlers = handler_table<S>({
  {set_mode, 2, 2, &S::SetMode, "set_mode"},
  {info, 0, 0, &S::Info, "info"},
  {fill, 5, 5, &S::Fill, "fill"},
  {blit, 6, 6, &S::Blit, "blit"},
  {text, 2, 2 + max_text / sizeof(word), &S::Text, "text"},
});

struct Info {
  word width, height, pitch, mode_sets, drawn;
};

class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  Status SetMode(word width, word height) const {
    Rpc rpc(set_mode);
    rpc.put(width).put(height);
    return rpc.call(ep_);
  }
  Status GetInfo(Info *out) const {
    Rpc rpc(info);
    const Status st = rpc.call(ep_);
    if (st == Status::ok && out)
      *out = Info{rpc.result(0), rpc.result(1), rpc.result(2), rpc.result(3), rpc.result(4)};
    return st;
  }
  Status Fill(word x, word y, word w, word h, word colour) const {
    Rpc rpc(fill);
    rpc.put(x).put(y).put(w).put(h).put(colour);
    return rpc.call(ep_);
  }
  // w * h pixels at `offset` of session `id` (a Session begun with this server) to (x, y).
  Status Blit(word id, word offset, word x, word y, word w, word h) const {
    Rpc rpc(blit);
    rpc.put(id).put(offset).put(x).put(y).put(w).put(h);
    return rpc.call(ep_);
  }

  // n bytes of console text whose first is byte `pos` of the stream; *end: where the driver's
  // stream now ends (resend from there when it is less than pos + n).
  Status Text(word pos, const char *s, word n, word *end) const {
    Rpc rpc(text);
    rpc.put(pos).put_bytes(s, unsigned(n));
    const Status st = rpc.call(ep_);
    if (st == Status::ok && end) *end = rpc.result(0);
    return st;
  }

private:
  CapSlot ep_;
};

} // namespace arc::fb
