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

#include "progress.hh"

#include <stdio.h>

using namespace arc;

namespace {

using vga::cols;
using vga::rows;
using vga::cells;
constexpr word text_base = 0xb8000;
constexpr uint16_t crtc_index = 0x3d4, crtc_data = 0x3d5;

// Persistent: where the cursor is, how far the current write and a scroll got (one word,
// progress.hh), which request that write is, the colour. The screen contents are device memory
// and survive a restart by themselves.
struct VgaState {
  word progress;   // vga::Progress, committed with one store
  word write_seq;  // Request::seq of the write `done` counts for
  word attr;
  word chars;
};
ARC_PDATA VgaState g_state = {0, 0, 0x07, 0};

vga::Progress progress() { return vga::Progress::of(g_state.progress); }
void commit(const vga::Progress &p) { g_state.progress = p.word(); }

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
    const vga::Progress p = progress();
    if (!p.plausible() || p.done > vgacon::max_bytes || g_state.attr > 0xff) return Recovery::cold;
    if (Attach() != Status::ok) return Recovery::cold;
    if (p.pos >= cells)
      ::printf("[vgacon] recovered: a scroll was cut short after %u cells: finishing it\n",
               p.scrolled);
    Settle();
    RegisterName(vgacon::service_name);
    return Recovery::resume;
  }

  static constexpr auto Handlers() { return vgacon::handlers<Vga>; }

  // A replayed write goes on after the characters already on the screen.
  Status Write(const Request &req, Reply &rep) {
    const char *data;
    unsigned n;
    if (!req.bytes(1, &data, &n) || n > vgacon::max_bytes) return Status::invalid_arg;
    vga::Progress p = progress();
    if (!(req.replayed && g_state.write_seq == req.seq)) {
      p.done = 0;
      commit(p);
      g_state.write_seq = req.seq;   // (a crash before this: nothing was written yet)
      g_state.chars += n;            // (statistics: not exact when a crash strikes right here)
    } else if (p.done) {
      ::printf("[vgacon] replay: write %lu goes on at character %u of %u\n", req.seq, p.done, n);
    }
    vga::write(screen_, g_state.progress, data, n, uint16_t(g_state.attr), fault_step);
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
    const vga::Progress p = progress();
    rep.put(p.pos % cols);
    rep.put(p.pos / cols);
    return Status::ok;
  }

private:
  volatile uint16_t *screen_ = nullptr;
  bool have_crtc_ = false;

  Status Attach() {
    const proc::Resource *mem = nullptr;
    for (unsigned i = 0; const proc::Resource *r = find_resource(proc::Resource::mem, i); ++i)
      if (r->first <= text_base && text_base + cells * 2 <= r->first + r->count) mem = r;
    if (!mem || !mem->va) {
      ::printf("[vgacon] no device memory at 0xb8000 (boot configuration: mem=0xb8000+0x1000)\n");
      return Status::invalid_cap;
    }
    screen_ = reinterpret_cast<volatile uint16_t *>(mem->va + (text_base - mem->first));
    if (const proc::Resource *p = find_ports(crtc_index, 2))
      have_crtc_ = ioport(IoOp::enable, p->slot) == Status::ok;
    return Status::ok;
  }

  // Blanking is idempotent; the cursor goes home in one store.
  void Blank() {
    for (unsigned i = 0; i < cells; ++i) screen_[i] = uint16_t(g_state.attr << 8 | ' ');
    vga::Progress p = progress();
    p.pos = p.scrolled = 0;
    commit(p);
    MoveCursor();
  }

  void Settle() { vga::settle(screen_, g_state.progress, uint16_t(g_state.attr), fault_step); }

  void MoveCursor() {
    if (!have_crtc_) return;
    const unsigned pos = progress().pos;
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
