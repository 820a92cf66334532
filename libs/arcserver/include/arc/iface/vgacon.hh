// Interface `vgacon`: the VGA text console (drivers/vga: 80x25 at 0xb8000).
//
//   write      MR1 = n, MR2.. n bytes packed (n <= 240)    -> MR2 bytes written
//              ('\n' new line, '\r' line start, '\b' back one, '\t' to the next 8th column;
//              the screen scrolls)
//   clear      (none)                                      -> screen blank, cursor home
//   set_color  MR1 = attribute byte (background << 4 | foreground)
//   cursor     (none)                                      -> MR2 = column, MR3 = row
// Errors: invalid_arg. Registered as "vgacon".
#pragma once
#include <arc/message.hh>
#include <arc/server.hh>

namespace arc::vgacon {

enum Label : word { write = 0x600, clear = 0x601, set_color = 0x602, cursor = 0x603 };
constexpr unsigned max_bytes = 240;
constexpr const char *service_name = "vgacon";

template <class S> constexpr auto handlers = handler_table<S>({
  {write, 1, max_untyped, &S::Write, "write"},
  {clear, 0, 0, &S::Clear, "clear"},
  {set_color, 1, 1, &S::SetColor, "set_color"},
  {cursor, 0, 0, &S::Cursor, "cursor"},
});

class Client {
public:
  explicit Client(CapSlot ep = 0) : ep_(ep) {}
  void bind(CapSlot ep) { ep_ = ep; }
  Status Write(const char *s, unsigned n) const {
    while (n) {
      const unsigned part = n < max_bytes ? n : max_bytes;
      Rpc rpc(write);
      rpc.put_bytes(s, part);
      if (Status st = rpc.call(ep_); st != Status::ok) return st;
      s += part;
      n -= part;
    }
    return Status::ok;
  }
  Status Write(const char *s) const {
    unsigned n = 0;
    while (s[n]) ++n;
    return Write(s, n);
  }
  Status Clear() const { return Rpc(clear).call(ep_); }
  Status SetColor(unsigned attr) const {
    Rpc rpc(set_color);
    rpc.put(attr);
    return rpc.call(ep_);
  }

private:
  CapSlot ep_;
};

} // namespace arc::vgacon
