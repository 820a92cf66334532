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
      ::printf("[vgacon] recovered: a scroll was cut short after %u cells: finishing it\n", p.scrolled);
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
    } else if (p.done) {
      ::printf("[vgacon] replay: write %lu goes on at character %u of %u\n", req.seq, p.done, n);
    }
    Settle();
    for (p = progress(); p.done < n; p = progress()) {
      const char c = data[p.done];
      if (vga::printable(c)) screen_[p.pos] = uint16_t(g_state.attr << 8 | uint8_t(c));
      fault_step();   // an injected fault may strike with the cell written, not committed
      p.pos = vga::advance(p.pos, c);
      ++p.done;
      commit(p);      // the character is done
      ++g_state.chars;
      Settle();
    }
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

  // A scroll that is due, from the cell it reached: one row's cells moved up, then that row
  // committed; the last row blanked; then the cursor one row up and the scroll done, one store.
  void Settle() {
    vga::Progress p = progress();
    if (p.pos < cells) return;
    while (p.scrolled < cells - cols) {
      for (unsigned i = p.scrolled; i < p.scrolled + cols; ++i) screen_[i] = screen_[i + cols];
      fault_step();   // an injected fault may strike with a row moved, not committed
      p.scrolled += cols;
      commit(p);
    }
    for (unsigned i = cells - cols; i < cells; ++i) screen_[i] = uint16_t(g_state.attr << 8 | ' ');
    p.pos -= cols;
    p.scrolled = 0;
    commit(p);
  }

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
