// vga: the VGA text console (80x25 cells at physical 0xb8000) as the `vgacon` server. The pager
// maps the device memory at the address the mem resource names (Resource::va); the CRT
// controller's cursor registers (0x3d4/0x3d5) are used when those ports are granted.
//
// Boot configuration:   server vgacon vga mem=0xb8000+0x1000 ports=0x3d4-0x3d5
#include <arc/iface/vgacon.hh>
#include <arc/pdata.hh>
#include <arc/process.hh>
#include <arc/server.hh>
#include <arc/sys.hh>
#include <pc/io.hh>

#include <stdio.h>

using namespace arc;

namespace {

constexpr unsigned cols = 80, rows = 25;
constexpr word text_base = 0xb8000;
constexpr uint16_t crtc_index = 0x3d4, crtc_data = 0x3d5;

// Persistent: where the cursor is and the colour (the screen contents are in device memory and
// survive a restart by themselves).
struct VgaState {
  word col, row;
  word attr;
  word chars;
};
ARC_PDATA VgaState g_state = {0, 0, 0x07, 0};

} // namespace

class Vga : public ArcServer<Vga> {
public:
  Vga() : ArcServer("vgacon") {}

  Status Initialize() {
    g_state = VgaState{0, 0, 0x07, 0};
    if (Status st = Attach(); st != Status::ok) return st;
    Blank();
    if (Status st = RegisterName(vgacon::service_name); st != Status::ok)
      ::printf("[vgacon] cannot register with the name service (status %lu)\n", word(st));
    ::printf("[vgacon] text console %ux%u at %p\n", cols, rows, const_cast<uint16_t *>(screen_));
    return Status::ok;
  }

  Recovery Recover() {
    if (g_state.col >= cols || g_state.row >= rows || g_state.attr > 0xff) return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    RegisterName(vgacon::service_name);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return vgacon::handlers<Vga>; }

  Status Write(const Request &req, Reply &rep) {
    const char *data;
    unsigned n;
    if (!req.bytes(1, &data, &n) || n > vgacon::max_bytes) return Status::invalid_arg;
    for (unsigned i = 0; i < n; ++i) Put(data[i]);
    MoveCursor();
    rep.put(n);
    return Status::ok;
  }
  Status Clear(const Request &, Reply &) {
    Blank();
    return Status::ok;
  }
  Status SetColor(const Request &req, Reply &) {
    if (req.arg(1) > 0xff) return Status::invalid_arg;
    g_state.attr = req.arg(1);
    return Status::ok;
  }
  Status Cursor(const Request &, Reply &rep) {
    rep.put(g_state.col);
    rep.put(g_state.row);
    return Status::ok;
  }

private:
  volatile uint16_t *screen_ = nullptr;
  bool have_crtc_ = false;

  Status Attach() {
    const proc::Resource *mem = nullptr;
    for (unsigned i = 0; const proc::Resource *r = find_resource(proc::Resource::mem, i); ++i)
      if (r->first <= text_base && text_base + cols * rows * 2 <= r->first + r->count) mem = r;
    if (!mem || !mem->va) {
      ::printf("[vgacon] no device memory at 0xb8000 (boot configuration: mem=0xb8000+0x1000)\n");
      return Status::invalid_cap;
    }
    screen_ = reinterpret_cast<volatile uint16_t *>(mem->va + (text_base - mem->first));
    if (const proc::Resource *p = find_ports(crtc_index, 2))
      have_crtc_ = ioport(IoOp::enable, p->slot) == Status::ok;
    return Status::ok;
  }

  void Blank() {
    for (unsigned i = 0; i < cols * rows; ++i) screen_[i] = uint16_t(g_state.attr << 8 | ' ');
    g_state.col = g_state.row = 0;
    MoveCursor();
  }

  void Scroll() {
    for (unsigned i = 0; i < cols * (rows - 1); ++i) screen_[i] = screen_[i + cols];
    for (unsigned i = cols * (rows - 1); i < cols * rows; ++i)
      screen_[i] = uint16_t(g_state.attr << 8 | ' ');
    g_state.row = rows - 1;
  }

  void Put(char c) {
    ++g_state.chars;
    switch (c) {
    case '\n': g_state.col = 0; ++g_state.row; break;
    case '\r': g_state.col = 0; break;
    case '\b': if (g_state.col) --g_state.col; break;
    case '\t': g_state.col = (g_state.col + 8) & ~word(7); break;
    default:
      screen_[g_state.row * cols + g_state.col] = uint16_t(g_state.attr << 8 | uint8_t(c));
      ++g_state.col;
    }
    if (g_state.col >= cols) { g_state.col = 0; ++g_state.row; }
    if (g_state.row >= rows) Scroll();
  }

  void MoveCursor() {
    if (!have_crtc_) return;
    const unsigned pos = unsigned(g_state.row * cols + g_state.col);
    pc::outb(crtc_index, 0x0f);
    pc::outb(crtc_data, uint8_t(pos));
    pc::outb(crtc_index, 0x0e);
    pc::outb(crtc_data, uint8_t(pos >> 8));
  }
};

int main() {
  static Vga server;
  return server.Run();
}
